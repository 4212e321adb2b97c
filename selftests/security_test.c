// SPDX-License-Identifier: GPL-2.0
/*
 * The claims of SECURITY.md, one scenario each: who may open
 * /dev/dirtyquota, that attaching needs the VM's own file descriptor and
 * cannot take over another VMM's attachment, that an attached file sees
 * only its VM, that exit mode ends with the file that asked for it, who
 * may read, listen and change settings over netlink (by capability, user
 * namespace and read_group), in which network namespace, and that nobody
 * can keep the module from unloading.  Unprivileged steps run in a child
 * that dropped to uid and gid 65534 with no supplementary groups (or only
 * the read group), or to root with one capability.
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>
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

#define READ_GID	65533
#define READ_GROUP	"/sys/module/dirtyquota/parameters/read_group"
#define REFCNT		"/sys/module/dirtyquota/refcnt"

static void set_read_group(int gid)
{
	FILE *f = fopen(READ_GROUP, "w");

	TEST_ASSERT(f && fprintf(f, "%d\n", gid) > 0 && !fclose(f),
		    "%s: %s", READ_GROUP, strerror(errno));
}

/* Root keeps its uid, with @cap as its only capability. */
static void only_cap(int cap)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = { 0 };

	d[cap / 32].effective = 1U << (cap % 32);
	d[cap / 32].permitted = 1U << (cap % 32);
	TEST_ASSERT(!setgroups(0, NULL) && !syscall(SYS_capset, &h, d),
		    "capset: %s", strerror(errno));
}

/* In order of what they may do. */
enum who {
	AS_NOBODY,
	AS_NET_ADMIN,
	AS_USERNS_ROOT,
	AS_READER,
	AS_SYS_ADMIN,
	AS_ROOT,
};

static const char *const who_name[] = {
	[AS_NOBODY] = "nobody", [AS_NET_ADMIN] = "CAP_NET_ADMIN only",
	[AS_USERNS_ROOT] = "root of a user namespace",
	[AS_READER] = "nobody in read_group", [AS_SYS_ADMIN] = "CAP_SYS_ADMIN only",
	[AS_ROOT] = "root",
};

static void become(enum who who)
{
	gid_t g = READ_GID;

	switch (who) {
	case AS_NOBODY:
		drop_privileges();
		break;
	case AS_NET_ADMIN:
		only_cap(CAP_NET_ADMIN);
		break;
	case AS_USERNS_ROOT:
		TEST_ASSERT(!unshare(CLONE_NEWUSER),
			    "unshare(CLONE_NEWUSER): %s", strerror(errno));
		break;
	case AS_READER:
		TEST_ASSERT(!setgroups(1, &g) && !setresgid(NOBODY, NOBODY, NOBODY) &&
			    !setresuid(NOBODY, NOBODY, NOBODY),
			    "dropping to %d in group %d: %s", NOBODY, READ_GID,
			    strerror(errno));
		break;
	case AS_SYS_ADMIN:
		only_cap(CAP_SYS_ADMIN);
		break;
	case AS_ROOT:
		break;
	}
}

struct nl_case {
	uint64_t id;
	enum who who;
	bool group_set;			/* read_group is READ_GID */
};

static void expect_access(int r, bool allowed, const struct nl_ack *ack,
			  const char *what, enum who who)
{
	TEST_ASSERT(allowed ? r >= 0 : r == -EPERM, "%s as %s: %d (%s)",
		    what, who_name[who], r, ack->msg);
}

/* Each request the family has, as @c->who; the answers must match. */
static void try_everything(void *arg)
{
	const struct nl_case *c = arg;
	bool all = c->who >= AS_SYS_ADMIN;
	bool read = all || (c->who == AS_READER && c->group_set);
	struct nl_obj vm, vms[16], v[MAX_VCPUS];
	struct nl_sock nl, ev;
	struct nl_ack ack;
	int r;

	become(c->who);
	dq_nl_open(&nl);
	dq_nl_open(&ev);
	r = dq_nl_vm_get(&nl, c->id, &vm, &ack);
	expect_access(r, read, &ack, "VM_GET", c->who);
	TEST_ASSERT(r || vm.v[DIRTYQUOTA_A_VM_PID] == (uint64_t)getppid(),
		    "VM %lu not shown", c->id);
	expect_access(dq_nl_vm_dump(&nl, vms, 16, &ack), read, &ack,
		      "VM_GET dump", c->who);
	expect_access(dq_nl_vcpus(&nl, c->id, v, MAX_VCPUS, &ack), read, &ack,
		      "VCPU_GET dump", c->who);
	r = nl_join(&ev, ev.events);
	TEST_ASSERT(all ? !r : r && errno == EPERM,
		    "joining \"events\" as %s: %s", who_name[c->who],
		    r ? strerror(errno) : "allowed");
	/* What is allowed changes nothing: the VM is observed, on the share. */
	expect_access(dq_nl_vm_set(&nl, c->id, DIRTYQUOTA_CFG_MODE,
				   DIRTYQUOTA_MODE_OBSERVE, 0, 0, 0, &ack),
		      all, &ack, "VM_SET", c->who);
	expect_access(dq_nl_vcpu_set(&nl, c->id, 0, true, 0, &ack), all, &ack,
		      "VCPU_SET", c->who);
	TEST_ASSERT(all || strstr(ack.msg, "CAP_SYS_ADMIN"),
		    "VCPU_SET as %s: message \"%s\"", who_name[c->who], ack.msg);
	nl_close(&ev);
	nl_close(&nl);
}

/*
 * 4. Everything over netlink needs CAP_SYS_ADMIN in the initial user
 * namespace: not nobody, not CAP_NET_ADMIN alone, not root of a user
 * namespace of its own; members of read_group may read, not listen or set.
 */
static void test_netlink_needs_cap(void)
{
	static const enum guest_kind kinds[] = { COMPUTE };
	struct nl_case c = { 0 };
	struct nl_sock nl;
	struct nl_obj vm;
	struct test_vm t;

	set_read_group(-1);	/* whatever a failed test before left */
	test_vm_create(&t, 1, 1, kinds, VM_MEM_SRC_ANONYMOUS, 0);
	dq_nl_open(&nl);
	c.id = dq_nl_newest_vm(&nl, getpid());
	set_read_group(READ_GID);
	c.group_set = true;
	for (c.who = AS_NOBODY; c.who <= AS_ROOT; c.who++)
		in_child(try_everything, &c);
	set_read_group(-1);
	c.group_set = false;
	c.who = AS_READER;
	in_child(try_everything, &c);
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

static int refcnt(void)
{
	FILE *f = fopen(REFCNT, "r");
	int n = -1;

	TEST_ASSERT(f && fscanf(f, "%d", &n) == 1, "%s: %s", REFCNT,
		    strerror(errno));
	fclose(f);
	return n;
}

/* Waits up to a second for the module's reference count to be @want. */
static bool refcnt_is(int want)
{
	int i;

	for (i = 0; i < 100 && refcnt() != want; i++)
		usleep(10000);
	return refcnt() == want;
}

#define BIG_VCPUS	64	/* a vCPU dump of them takes several messages */

/* Starts a vCPU dump of VM @id and reads none of it. */
static void start_dump(struct nl_sock *s, uint64_t id)
{
	struct nl_msg m;

	nl_msg_init(&m, s->family, NLM_F_REQUEST | NLM_F_DUMP,
		    DIRTYQUOTA_CMD_VCPU_GET, DIRTYQUOTA_FAMILY_VERSION);
	nl_put_u64(&m, DIRTYQUOTA_A_VCPU_VM_ID, id);
	nl_send(s, &m);
}

struct half_read {
	uint64_t id;
	enum who who;
	int go, done;			/* pipes: child to parent, and back */
};

static void dump_and_wait(void *arg)
{
	struct half_read *h = arg;
	struct nl_sock s;
	char c;

	become(h->who);
	dq_nl_open(&s);
	start_dump(&s, h->id);
	TEST_ASSERT(write(h->go, "s", 1) == 1, "pipe");
	TEST_ASSERT(read(h->done, &c, 1) == 1, "pipe");
	nl_close(&s);
}

/* Runs dump_and_wait() as @who; @check runs while its dump is unread. */
static void while_half_read(struct half_read *h, enum who who,
			    void (*check)(struct half_read *h))
{
	int go[2], done[2], status;
	pid_t pid;
	char c;

	TEST_ASSERT(!pipe(go) && !pipe(done), "pipe");
	h->who = who;
	h->go = go[1];
	h->done = done[0];
	fflush(stdout);
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork");
	if (!pid) {
		dump_and_wait(h);
		exit(0);
	}
	TEST_ASSERT(read(go[0], &c, 1) == 1, "the child did not dump");
	check(h);
	TEST_ASSERT(write(done[1], "d", 1) == 1, "pipe");
	waitpid(pid, &status, 0);
	TEST_ASSERT(WIFEXITED(status) && !WEXITSTATUS(status),
		    "the child failed (status 0x%x)", status);
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
}

static int base_refs;

static void unload_works(struct half_read *h)
{
	TEST_ASSERT(refcnt_is(base_refs),
		    "a refused dump holds the module: %d references, %d before",
		    refcnt(), base_refs);
	TEST_ASSERT(system("rmmod dirtyquota") == 0,
		    "rmmod with nobody's dump unread");
	TEST_ASSERT(system("insmod /modules/dirtyquota.ko") == 0, "insmod");
}

static void reader_holds(struct half_read *h)
{
	TEST_ASSERT(refcnt_is(base_refs + 1),
		    "%d module references while a reader's dump is unread, %d before",
		    refcnt(), base_refs);
}

/*
 * 7. Nobody can keep the module from unloading: a dump it starts is
 * refused before it holds anything, and rmmod works while its socket
 * stays open.  A dump that is allowed (root, read_group) holds the module
 * until it is read to the end or its socket closes, as SECURITY.md says.
 */
static void test_unload_not_blocked(void)
{
	struct half_read h = { 0 };
	int kvm, vm, i;
	struct nl_sock nl;

	kvm = open("/dev/kvm", O_RDWR);
	TEST_ASSERT(kvm >= 0, "/dev/kvm: %s", strerror(errno));
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm >= 0, "KVM_CREATE_VM: %s", strerror(errno));
	for (i = 0; i < BIG_VCPUS; i++)
		TEST_ASSERT(ioctl(vm, KVM_CREATE_VCPU, i) >= 0,
			    "KVM_CREATE_VCPU %d: %s", i, strerror(errno));
	dq_nl_open(&nl);
	h.id = dq_nl_newest_vm(&nl, getpid());
	base_refs = refcnt();

	/* Root's unread dump holds a reference: the check can tell. */
	start_dump(&nl, h.id);
	TEST_ASSERT(refcnt_is(base_refs + 1),
		    "%d module references during root's dump of %d vCPUs, %d before",
		    refcnt(), BIG_VCPUS, base_refs);
	nl_close(&nl);
	TEST_ASSERT(refcnt_is(base_refs), "%d references after close, %d before",
		    refcnt(), base_refs);

	while_half_read(&h, AS_NOBODY, unload_works);
	dq_nl_open(&nl);
	h.id = dq_nl_newest_vm(&nl, getpid());
	nl_close(&nl);
	set_read_group(READ_GID);
	while_half_read(&h, AS_READER, reader_holds);
	set_read_group(-1);
	TEST_ASSERT(refcnt_is(base_refs), "%d references after the reader, %d before",
		    refcnt(), base_refs);
	close(vm);
	close(kvm);
}

int main(int argc, char **argv)
{
	static const struct dq_scenario tests[] = {
		{ "only root opens /dev/dirtyquota", test_device_is_roots },
		{ "attaching needs the VM's own fd", test_attach_needs_vm_fd },
		{ "the VM fd is the proof; no takeover; own VM only",
		  test_vm_fd_is_the_proof },
		{ "netlink needs CAP_SYS_ADMIN; read_group reads only",
		  test_netlink_needs_cap },
		{ "the family lives in the initial netns only",
		  test_init_netns_only },
		{ "exit mode ends with the file that asked for it",
		  test_exit_mode_ends_with_file },
		{ "nobody's unread dump does not keep the module",
		  test_unload_not_blocked },
	};

	run_scenarios(argc, argv, tests, ARRAY_SIZE(tests));
	return 0;
}
