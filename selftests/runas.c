// SPDX-License-Identifier: GPL-2.0
/*
 * runas UID[:GROUP] COMMAND [ARG...]: runs COMMAND as user and group UID,
 * with GROUP as its one supplementary group or none, and so with no
 * capabilities, for the permission tests.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *group;
	gid_t g = 0;
	uid_t id;

	if (argc < 3) {
		fprintf(stderr, "usage: runas UID[:GROUP] COMMAND [ARG...]\n");
		return 2;
	}
	id = strtoul(argv[1], &group, 0);
	if (*group == ':')
		g = strtoul(group + 1, NULL, 0);
	if (setgroups(*group == ':', &g) || setresgid(id, id, id) ||
	    setresuid(id, id, id)) {
		perror("runas");
		return 1;
	}
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
