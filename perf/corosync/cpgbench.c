/*
 * perf/corosync/cpgbench.c: a cpgbench-style throughput client for corosync's CPG (libcpg), used by
 * perf/compare-corosync.sh. One process per node, each talking to its own node's daemon over IPC.
 *
 * It joins a group, waits until the group has --members members, and then runs one phase per size.
 * All members move through the phases together: a phase starts when this node has delivered a
 * barrier message from every member (agreed order, so the members see the last barrier at about
 * the same moment and every message sent before it has been delivered). In a phase every member
 * multicasts messages of that size (CPG_TYPE_AGREED) as fast as flow control admits, for --warmup
 * seconds not counted and then --seconds counted, and counts the messages of that phase delivered
 * at this node in the counted window, its own included. As corosync's test/cpgbench does,
 * msgs/s = delivered / elapsed and MB/s = delivered * size / elapsed / 1e6. Then it stops sending
 * and sends the barrier of the next phase.
 *
 * One thread: the CPG fd is polled so sending and dispatching interleave. CS_ERR_TRY_AGAIN from
 * cpg_mcast_joined (the daemon's IPC flow control, or its totem queue full) is counted; the client
 * then waits up to --backoff-us microseconds for the fd, dispatches whatever arrived and retries.
 * 0 spins, as corosync's cpgbench does; on two cores three spinning clients take the CPU the
 * daemons need (1600 and 8000 B: half the throughput of a 200 us wait), hence 200 by default.
 *
 * Prints one line per size, e.g.
 *   size=64 msgs/s=123456 MB/s=7.9 delivered=1234560 seconds=10.000 sent=411520 try_again=98765
 *   try_again_counted=45678 cpu=35% members=3 window=15:13:36-15:13:46
 * (sent and try_again over warm-up and window; try_again_counted and cpu, this process's CPU time
 * over wall time, over the counted window; window its wall-clock times, to set beside the daemons' logs)
 * and diagnostics on stderr.
 *
 * usage: cpgbench [--sizes 64,1600,8000] [--warmup 10] [--seconds 10] [--members 3]
 *                 [--group cpgbench] [--backoff-us 200] [--timeout 120]
 * build: gcc -O2 -Wall -o cpgbench cpgbench.c -lcpg
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <corosync/corotypes.h>
#include <corosync/cpg.h>

#define MAX_SIZES 32
#define MAX_MEMBERS 64
#define KIND_DATA 0x44415441u    /* "DATA" */
#define KIND_BARRIER 0x42415252u /* "BARR" */

/* Every message starts with this header; data messages are padded to the phase's size. */
struct header {
	uint32_t kind;
	uint32_t phase;
};

enum state { WAIT_BARRIER, WARM, COUNT };

static cpg_handle_t handle;
static int members_wanted = 3;
static int members_now;
static int group_was_full;

static enum state state = WAIT_BARRIER;
static uint32_t phase;          /* the phase running, or the phase whose barrier is awaited */
static uint32_t cur_size;
static uint64_t delivered;      /* messages of the current phase delivered inside the counted window */
/* per phase, the members (nodeid, pid) whose barrier arrived: a member may send the barrier of
 * the next phase while this node still counts, so they are kept whatever the state */
static int barrier_from[MAX_SIZES + 1][MAX_MEMBERS][2];
static int barriers[MAX_SIZES + 1];
static int left_during_run;
static int final_phase = MAX_SIZES; /* the barrier after the last size: leaves after it are expected */

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static void die(const char *what, cs_error_t err)
{
	fprintf(stderr, "cpgbench: %s failed: cs_error %d\n", what, (int)err);
	exit(1);
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *group, uint32_t nodeid, uint32_t pid,
		       void *msg, size_t len)
{
	struct header hd;
	(void)h; (void)group;
	if (len < sizeof hd) {
		return;
	}
	memcpy(&hd, msg, sizeof hd);
	if (hd.kind == KIND_DATA) {
		if (hd.phase == phase && state == COUNT && len == cur_size) {
			delivered++;
		}
	} else if (hd.kind == KIND_BARRIER && hd.phase <= MAX_SIZES) {
		int (*from)[2] = barrier_from[hd.phase];
		int *n = &barriers[hd.phase];
		for (int i = 0; i < *n; i++) {
			if (from[i][0] == (int)nodeid && from[i][1] == (int)pid) {
				return;
			}
		}
		if (*n < MAX_MEMBERS) {
			from[*n][0] = (int)nodeid;
			from[*n][1] = (int)pid;
			(*n)++;
		}
	}
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *group,
		       const struct cpg_address *members, size_t n_members,
		       const struct cpg_address *left, size_t n_left,
		       const struct cpg_address *joined, size_t n_joined)
{
	(void)h; (void)group; (void)members; (void)left; (void)joined; (void)n_joined;
	members_now = (int)n_members;
	if (members_now >= members_wanted) {
		group_was_full = 1;
	}
	if (n_left > 0 && group_was_full && barriers[final_phase] < members_wanted) {
		left_during_run = 1;
		fprintf(stderr, "cpgbench: %zu member(s) left the group, %d remain\n", n_left, members_now);
	}
}

static cpg_callbacks_t callbacks = { .cpg_deliver_fn = on_deliver, .cpg_confchg_fn = on_confchg };

static int cpg_fd;

/* Waits up to timeout_us for the fd, then dispatches whatever arrived. */
static void pump(long timeout_us)
{
	struct pollfd pfd = { .fd = cpg_fd, .events = POLLIN };
	struct timespec ts = { .tv_sec = timeout_us / 1000000, .tv_nsec = (timeout_us % 1000000) * 1000 };
	int r = ppoll(&pfd, 1, &ts, NULL);
	if (r < 0 && errno != EINTR) {
		perror("cpgbench: ppoll");
		exit(1);
	}
	if (r > 0) {
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) {
			fprintf(stderr, "cpgbench: the daemon closed the connection\n");
			exit(1);
		}
		cs_error_t err = cpg_dispatch(handle, CS_DISPATCH_ALL);
		if (err != CS_OK && err != CS_ERR_TRY_AGAIN) {
			die("cpg_dispatch", err);
		}
	}
}

static uint64_t try_again;

/* One multicast attempt: 1 sent, 0 answered CS_ERR_TRY_AGAIN. */
static int send_one(const void *buf, size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	cs_error_t err = cpg_mcast_joined(handle, CPG_TYPE_AGREED, &iov, 1);
	if (err == CS_OK) {
		return 1;
	}
	if (err == CS_ERR_TRY_AGAIN) {
		try_again++;
		return 0;
	}
	die("cpg_mcast_joined", err);
	return 0;
}

static void send_barrier(uint32_t p)
{
	struct header hd = { .kind = KIND_BARRIER, .phase = p };
	while (!send_one(&hd, sizeof hd)) {
		pump(1000);
	}
}

/* Sends this node's barrier for phase p and waits until every member's barrier was delivered. */
static void barrier(uint32_t p, double timeout_s)
{
	phase = p;
	state = WAIT_BARRIER;
	send_barrier(p);
	double deadline = now_s() + timeout_s;
	while (barriers[p] < members_wanted) {
		if (now_s() > deadline) {
			fprintf(stderr, "cpgbench: barrier %u: %d of %d members after %.0f s\n", p, barriers[p],
				members_wanted, timeout_s);
			exit(1);
		}
		pump(100000);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: cpgbench [--sizes 64,1600,8000] [--warmup 10] [--seconds 10] [--members 3]\n"
			"                [--group cpgbench] [--backoff-us 200] [--timeout 120]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t sizes[MAX_SIZES];
	int n_sizes = 0;
	const char *sizes_arg = "64,1600,8000";
	double warmup = 10, seconds = 10, timeout = 120;
	long backoff_us = 200;
	const char *group_arg = "cpgbench";

	static const struct option opts[] = {
		{ "sizes", required_argument, 0, 'z' },   { "warmup", required_argument, 0, 'w' },
		{ "seconds", required_argument, 0, 's' }, { "members", required_argument, 0, 'm' },
		{ "group", required_argument, 0, 'g' },   { "backoff-us", required_argument, 0, 'b' },
		{ "timeout", required_argument, 0, 't' }, { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 } };
	int c;
	while ((c = getopt_long(argc, argv, "z:w:s:m:g:b:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'z': sizes_arg = optarg; break;
		case 'w': warmup = atof(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'm': members_wanted = atoi(optarg); break;
		case 'g': group_arg = optarg; break;
		case 'b': backoff_us = atol(optarg); break;
		case 't': timeout = atof(optarg); break;
		default: usage();
		}
	}
	if (optind != argc || seconds <= 0 || warmup < 0 || members_wanted < 1 || members_wanted > MAX_MEMBERS
	    || backoff_us < 0) {
		usage();
	}
	char *list = strdup(sizes_arg);
	for (char *tok = strtok(list, ", "); tok; tok = strtok(NULL, ", ")) {
		long v = atol(tok);
		if (n_sizes == MAX_SIZES || v < (long)sizeof(struct header) || v > 1000000) {
			fprintf(stderr, "cpgbench: bad size %s (%zu..1000000 B, at most %d sizes)\n", tok,
				sizeof(struct header), MAX_SIZES);
			exit(2);
		}
		sizes[n_sizes++] = (uint32_t)v;
	}
	free(list);
	if (n_sizes == 0) {
		usage();
	}
	final_phase = n_sizes;
	setvbuf(stdout, NULL, _IOLBF, 0);

	cs_error_t err;
	for (int tries = 0; (err = cpg_initialize(&handle, &callbacks)) != CS_OK; tries++) {
		if (tries >= 100) {
			die("cpg_initialize", err);
		}
		usleep(100000);
	}
	if ((err = cpg_fd_get(handle, &cpg_fd)) != CS_OK) {
		die("cpg_fd_get", err);
	}
	struct cpg_name group;
	group.length = (uint32_t)strlen(group_arg);
	if (group.length > CPG_MAX_NAME_LENGTH) {
		usage();
	}
	memcpy(group.value, group_arg, group.length);
	for (int tries = 0; (err = cpg_join(handle, &group)) != CS_OK; tries++) {
		if (err != CS_ERR_TRY_AGAIN || tries >= 100) {
			die("cpg_join", err);
		}
		usleep(100000);
	}
	unsigned int local_nodeid = 0;
	cpg_local_get(handle, &local_nodeid);
	fprintf(stderr, "cpgbench: node %u joined group %s, waiting for %d members\n", local_nodeid, group_arg,
		members_wanted);

	double deadline = now_s() + timeout;
	while (members_now < members_wanted) {
		if (now_s() > deadline) {
			fprintf(stderr, "cpgbench: %d of %d members in the group; giving up\n", members_now,
				members_wanted);
			exit(1);
		}
		pump(100000);
	}
	fprintf(stderr, "cpgbench: %d members in the group\n", members_now);

	uint32_t max_size = 0;
	for (int i = 0; i < n_sizes; i++) {
		max_size = sizes[i] > max_size ? sizes[i] : max_size;
	}
	char *buf = calloc(1, max_size);
	for (int i = 0; i < n_sizes; i++) {
		barrier((uint32_t)i, timeout);
		cur_size = sizes[i];
		delivered = 0;
		try_again = 0;
		uint64_t sent = 0;
		struct header hd = { .kind = KIND_DATA, .phase = (uint32_t)i };
		memset(buf, 'x', cur_size);
		memcpy(buf, &hd, sizeof hd);

		double t0 = now_s();
		double count_start = t0 + warmup, count_end = count_start + seconds;
		double counted_from = 0, counted_to = 0, cpu_from = clock_s(CLOCK_PROCESS_CPUTIME_ID), cpu_to = 0;
		uint64_t try_again_at_count = 0;
		state = warmup > 0 ? WARM : COUNT;
		time_t wall_from = time(NULL), wall_to = 0;
		if (state == COUNT) {
			counted_from = t0;
		}
		for (;;) {
			double t = now_s();
			if (state == WARM && t >= count_start) {
				state = COUNT;
				counted_from = t;
				wall_from = time(NULL);
				cpu_from = clock_s(CLOCK_PROCESS_CPUTIME_ID);
				try_again_at_count = try_again;
			}
			if (state == COUNT && t >= count_end) {
				counted_to = t;
				wall_to = time(NULL);
				cpu_to = clock_s(CLOCK_PROCESS_CPUTIME_ID);
				break;
			}
			/* a burst of sends, then whatever arrived */
			int k;
			for (k = 0; k < 64; k++) {
				if (!send_one(buf, cur_size)) {
					break;
				}
				sent++;
			}
			pump(k < 64 ? backoff_us : 0);
		}
		state = WAIT_BARRIER; /* stops counting until the next phase's barrier */
		double elapsed = counted_to - counted_from;
		char from_s[16], to_s[16];
		strftime(from_s, sizeof from_s, "%H:%M:%S", localtime(&wall_from));
		strftime(to_s, sizeof to_s, "%H:%M:%S", localtime(&wall_to));
		double rate = delivered / elapsed;
		printf("size=%u msgs/s=%.0f MB/s=%.1f delivered=%" PRIu64 " seconds=%.3f sent=%" PRIu64
		       " try_again=%" PRIu64 " try_again_counted=%" PRIu64 " cpu=%.0f%% members=%d window=%s-%s\n",
		       cur_size, rate, rate * cur_size / 1e6, delivered, elapsed, sent, try_again,
		       try_again - try_again_at_count, 100 * (cpu_to - cpu_from) / elapsed, members_now, from_s, to_s);
	}
	/* leave together, so that nobody's last window sees a member leave */
	barrier((uint32_t)n_sizes, timeout);
	free(buf);
	cpg_leave(handle, &group);
	cpg_finalize(handle);
	if (left_during_run) {
		fprintf(stderr, "cpgbench: a member left during the run; figures are suspect\n");
		return 3;
	}
	return 0;
}
