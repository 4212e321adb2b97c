// SPDX-License-Identifier: GPL-2.0
/*
 * The claims of SECURITY.md, one scenario each: who may open
 * /dev/dirtyquota, that attaching needs the VM's own file descriptor and
 * cannot take over another VMM's attachment, that an attached file sees
 * only its VM, that exit mode ends with the file that asked for it, and who
 * may change settings over netlink, from which user and network namespaces.  Unprivileged steps run in a child that dropped
 * to uid and gid 65534 with no supplementary groups.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/genetlink.h>

#include "dq_nl.h"
#include "dq_util.h"
#include "test_util.h"

#define NOBODY	65534

static void drop_privileges(void)
{
	TEST_ASSERT(!setgroups(0, NULL) && !setresgid(NOBODY, NOBODY, NOBODY) &&
		    !setresuid(NOBODY, NOBODY, NOBODY),
		    "dropping to %d: %s", NOBODY, strerror(errno));
}

/* Runs @fn in a child process and fails if the child failed. */
static void in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	TEST_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		fn(arg);
		exit(0);
	}
	waitpid(pid, &status, 0);
	TEST_ASSERT(WIFEXITED(status) && !WEXITSTATUS(status),
		    "the child failed (status 0x%x)", status);
}

static int attach_fd(int dq, int fd, uint32_t flags)
{
	struct dirtyquota_attach a = { .vm_fd = fd, .flags = flags };

	return ioctl(dq, DIRTYQUOTA_IOC_ATTACH, &a);
}

static void nobody_opens(void *arg)
{
	drop_privileges();
	expect_err(open("/dev/dirtyquota", O_RDWR), EACCES,
		   "open /dev/dirtyquota as nobody");
}

/* 1. Only root opens /dev/dirtyquota (mode 0600, owned by root). */
static void test_device_is_roots(void)
{
	struct stat st;

	TEST_ASSERT(!stat("/dev/dirtyquota", &st), "stat: %s", strerror(errno));
	TEST_ASSERT((st.st_mode & 0777) == 0600 && st.st_uid == 0,
		    "/dev/dirtyquota is %o, uid %u", st.st_mode & 0777,
		    st.st_uid);
	in_child(nobody_opens, NULL);
}

struct fds {
	int dq, kvm, vcpu, pipe;
};

static void nobody_attaches_wrong_fds(void *arg)
{
	struct fds *f = arg;

	drop_privileges();
	expect_err(attach_fd(f->dq, f->kvm, 0), EINVAL, "attach /dev/kvm");
	expect_err(attach_fd(f->dq, f->vcpu, 0), EINVAL, "attach a vCPU fd");
	expect_err(attach_fd(f->dq, f->pipe, 0), EINVAL, "attach a pipe");
	expect_err(attach_fd(f->dq, f->dq, 0), EINVAL, "attach itself");
	expect_err(attach_fd(f->dq, 1000, 0), EBADF, "attach a closed fd");
	expect_err(attach_fd(f->dq, -1, 0), EBADF, "attach fd -1");
}

/*
 * 2. Nothing but a VM's own fd attaches, even for a process that was given
 * an open /dev/dirtyquota: not /dev/kvm, a vCPU, another file, a number.
 */
static void test_attach_needs_vm_fd(void)
{
	static const enum guest_kind kinds[] = { COMPUTE };
	struct test_vm t;
	struct fds f;
	int p[2];

	test_vm_create(&t, 1, 1, kinds, VM_MEM_SRC_ANONYMOUS, 0);
	TEST_ASSERT(!pipe(p), "pipe");
	f = (struct fds){ .dq = t.dq, .kvm = t.vm->kvm_fd,
			  .vcpu = t.vcpu[0]->fd, .pipe = p[0] };
	in_child(nobody_attaches_wrong_fds, &f);
	close(p[0]);
	close(p[1]);
	test_vm_free(&t);
}

struct handover {
	int dq, sock, nr_vcpus;
};

static void nobody_attaches_given_vm(void *arg)
{
	struct handover *h = arg;
	struct dirtyquota_vcpu_stats e[MAX_VCPUS];
	struct dirtyquota_stats s = {
		.entries = (uintptr_t)e, .entry_size = sizeof(e[0]),
		.nr_entries = MAX_VCPUS,
	};
	int vm_fd;

	drop_privileges();
	vm_fd = recv_fd(h->sock);
	TEST_ASSERT(!attach_fd(h->dq, vm_fd, 0), "attach the VM fd given: %s",
		    strerror(errno));
	TEST_ASSERT(!ioctl(h->dq, DIRTYQUOTA_IOC_GET_STATS, &s) &&
		    s.nr_vcpus == (uint32_t)h->nr_vcpus,
		    "GET_STATS: %s, %u vCPUs", strerror(errno), s.nr_vcpus);
}

/*
 * 3. Holding the VM's fd is what counts: a process that was handed it
 * over a unix socket can attach, without privileges.  Another VMM cannot
 * take over that attachment, and an attached file sees only its own VM.
 */
static void test_vm_fd_is_the_proof(void)
{
	static const enum guest_kind kinds[] = { COMPUTE, COMPUTE, COMPUTE };
	struct dirtyquota_vcpu_stats e[MAX_VCPUS];
	struct test_vm a, b;
	struct handover h;
	int sv[2], other;

	test_vm_create(&a, 3, 1, kinds, VM_MEM_SRC_ANONYMOUS, 0);
	test_vm_create(&b, 1, 1, kinds, VM_MEM_SRC_ANONYMOUS, 0);
	TEST_ASSERT(!socketpair(AF_UNIX, SOCK_STREAM, 0, sv), "socketpair");
	h = (struct handover){ .dq = a.dq, .sock = sv[1], .nr_vcpus = 3 };
	send_fd(sv[0], a.vm->fd);
	in_child(nobody_attaches_given_vm, &h);

	/* The child's attachment is the file's, which this process shares. */
	other = open("/dev/dirtyquota", O_RDWR);
	TEST_ASSERT(other >= 0, "open: %s", strerror(errno));
	expect_err(attach_fd(other, a.vm->fd, DIRTYQUOTA_ATTACH_F_EXIT), EBUSY,
		   "a second file attaching an attached VM");
	TEST_ASSERT(dq_stats(&a, e, MAX_VCPUS).nr_vcpus == 3,
		    "the file attached to VM a does not show VM a");
	TEST_ASSERT(!attach_fd(other, b.vm->fd, 0), "attach VM b");
	TEST_ASSERT(dq_stats(&(struct test_vm){ .dq = other }, e,
			     MAX_VCPUS).nr_vcpus == 1,
		    "the file attached to VM b does not show VM b");
	close(other);
	close(sv[0]);
	close(sv[1]);
	test_vm_free(&b);
	test_vm_free(&a);
}

struct nl_case {
	uint64_t id;
	bool userns;
};

static void set_without_cap(void *arg)
{
	struct nl_case *c = arg;
	struct nl_sock nl;
	struct nl_ack ack;
	struct nl_obj vm;

	if (c->userns)
		TEST_ASSERT(!unshare(CLONE_NEWUSER), "unshare(CLONE_NEWUSER): %s",
			    strerror(errno));
	else
		drop_privileges();
	dq_nl_open(&nl);
	/* Reading is open to all. */
	vm = dq_nl_vm(&nl, c->id);
	TEST_ASSERT(nl_has(&vm, DIRTYQUOTA_A_VM_PID) &&
		    vm.v[DIRTYQUOTA_A_VM_PID] == (uint64_t)getppid(),
		    "VM %lu not shown", c->id);
	TEST_ASSERT(dq_nl_vm_set(&nl, c->id, DIRTYQUOTA_CFG_MODE,
				 DIRTYQUOTA_MODE_SLEEP, 0, 0, 0, &ack) == -EPERM,
		    "VM_SET without CAP_NET_ADMIN: %d", ack.error);
	TEST_ASSERT(dq_nl_vcpu_set(&nl, c->id, 0, false, 0, &ack) == -EPERM,
		    "VCPU_SET without CAP_NET_ADMIN: %d", ack.error);
	nl_close(&nl);
}

/*
 * 4. Changing settings takes CAP_NET_ADMIN in the initial user namespace:
 * nobody cannot, and neither can root of a user namespace of its own.
 */
static void test_set_needs_cap(void)
{
	static const enum guest_kind kinds[] = { COMPUTE };
	struct nl_case c = { 0 };
	struct nl_sock nl;
	struct nl_obj vm;
	struct test_vm t;

	test_vm_create(&t, 1, 1, kinds, VM_MEM_SRC_ANONYMOUS, 0);
	dq_nl_open(&nl);
	c.id = dq_nl_newest_vm(&nl, getpid());
	in_child(set_without_cap, &c);
	c.userns = true;
	in_child(set_without_cap, &c);
	vm = dq_nl_vm(&nl, c.id);
	TEST_ASSERT(vm.v[DIRTYQUOTA_A_VM_MODE] == DIRTYQUOTA_MODE_OBSERVE,
		    "the VM's mode changed to %lu", vm.v[DIRTYQUOTA_A_VM_MODE]);
	nl_close(&nl);
	test_vm_free(&t);
}

static void other_netns(void *arg)
{
	struct nl_msg m;
	struct nl_sock nl;
	struct nl_ack ack;

	TEST_ASSERT(!unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET): %s",
		    strerror(errno));
	nl_open(&nl);
	nl_msg_init(&m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
		    CTRL_CMD_GETFAMILY, 1);
	nl_put_str(&m, CTRL_ATTR_FAMILY_NAME, DIRTYQUOTA_FAMILY_NAME);
	TEST_ASSERT(nl_request(&nl, &m, NULL, NULL, &ack) == -ENOENT,
		    "the family in a new network namespace: %d", ack.error);
	nl_close(&nl);
}

/* 5. The family is not there in other network namespaces, even for root. */
static void test_init_netns_only(void)
{
	in_child(other_netns, NULL);
}

/* 6. Exit mode lasts only as long as the file of the VMM that asked for it. */
static void test_exit_mode_ends_with_file(void)
{
	static const enum guest_kind kinds[] = { COMPUTE };
	struct nl_sock nl;
	struct nl_ack ack;
	struct test_vm t;
	uint64_t id;

	test_vm_create(&t, 1, 1, kinds, VM_MEM_SRC_ANONYMOUS, 0);
	dq_nl_open(&nl);
	id = dq_nl_newest_vm(&nl, getpid());
	TEST_ASSERT(!dq_attach(&t, DIRTYQUOTA_ATTACH_F_EXIT), "attach");
	TEST_ASSERT(!dq_set(&t, DIRTYQUOTA_CFG_MODE, DIRTYQUOTA_MODE_EXIT, 0,
			    0, 0), "exit mode: %s", strerror(errno));
	close(t.dq);
	t.dq = open("/dev/null", O_RDONLY);
	TEST_ASSERT(dq_nl_vm(&nl, id).v[DIRTYQUOTA_A_VM_MODE] ==
		    DIRTYQUOTA_MODE_SLEEP, "still in exit mode after close");
	TEST_ASSERT(dq_nl_vm_set(&nl, id, DIRTYQUOTA_CFG_MODE,
				 DIRTYQUOTA_MODE_EXIT, 0, 0, 0, &ack) == -EPERM,
		    "exit mode without the file: %d", ack.error);
	nl_close(&nl);
	test_vm_free(&t);
}

int main(int argc, char **argv)
{
	static const struct dq_scenario tests[] = {
		{ "only root opens /dev/dirtyquota", test_device_is_roots },
		{ "attaching needs the VM's own fd", test_attach_needs_vm_fd },
		{ "the VM fd is the proof; no takeover; own VM only",
		  test_vm_fd_is_the_proof },
		{ "netlink sets need CAP_NET_ADMIN in the initial userns",
		  test_set_needs_cap },
		{ "the family lives in the initial netns only",
		  test_init_netns_only },
		{ "exit mode ends with the file that asked for it",
		  test_exit_mode_ends_with_file },
	};

	run_scenarios(argc, argv, tests, ARRAY_SIZE(tests));
	return 0;
}
