/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the /proc/self/mountinfo parser (tunnel/mountinfo.c):
 * real lines, the kernel's \ooo escapes, the flags a read-only remount
 * must keep, and malformed lines refused with the field named. Pure.
 */
#include <sys/mount.h>

#include <stdio.h>
#include <string.h>

#include "tunnel/mountinfo.h"
#include "t.h"

static int
parse(const char *line, struct mountinfo_ent *m, struct gp_err *e)
{
	return mountinfo_parse_line(line, strlen(line), m, e);
}

static void
real_lines(void)
{
	struct mountinfo_ent m;
	struct gp_err e = { "" };

	T_EQ_INT(parse("26 1 254:0 / / rw,relatime - ext4 /dev/vda "
	    "rw,discard", &m, &e), 0);
	T_STREQ(m.point, "/");
	T_EQ_INT(m.flags, MS_RELATIME);
	T_EQ_INT(parse("27 26 0:24 / /mnt/x ro,nosuid,nodev,relatime - "
	    "tmpfs none ro,size=4k,mode=755", &m, &e), 0);
	T_STREQ(m.point, "/mnt/x");
	T_EQ_INT(m.flags, (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_RELATIME));
	/* Optional fields before the separator. */
	T_EQ_INT(parse("45 44 0:4 net:[4026532173] /run/netns/a rw shared:2 "
	    "master:1 - nsfs nsfs rw", &m, &e), 0);
	T_STREQ(m.point, "/run/netns/a");
	T_EQ_INT(m.flags, 0);
	T_EQ_INT(parse("30 22 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,"
	    "nosymfollow,noatime,nodiratime,idmapped - tmpfs tmpfs rw",
	    &m, &e), 0);
	T_EQ_INT(m.flags, (MS_NOSUID | MS_NODEV | MS_NOEXEC |
	    MS_NOSYMFOLLOW | MS_NOATIME | MS_NODIRATIME));
}

static void
escapes(void)
{
	struct mountinfo_ent m;
	struct gp_err e = { "" };

	T_EQ_INT(parse("50 26 0:40 / /mnt/a\\040b\\011c\\012d\\134e rw - "
	    "tmpfs x rw", &m, &e), 0);
	T_STREQ(m.point, "/mnt/a b\tc\nd\\e");
	/* Bytes the kernel does not escape pass through. */
	T_EQ_INT(parse("50 26 0:40 / /mnt/caf\xc3\xa9 rw - tmpfs x rw",
	    &m, &e), 0);
	T_STREQ(m.point, "/mnt/caf\xc3\xa9");
}

static void
refuse(const char *line, const char *want)
{
	struct mountinfo_ent m;
	struct gp_err e = { "" };

	memset(&m, 0xa5, sizeof(m));
	T_EQ_INT(parse(line, &m, &e), -1);
	if (strstr(e.msg, want) == NULL) {
		fprintf(stderr, "  `%s': got \"%s\", want \"%s\"\n", line,
		    e.msg, want);
		t_failed_now = 1;
	}
	T_EQ_INT(m.point[0], '\0');
	T_EQ_INT(m.flags, 0);
}

static void
malformed(void)
{
	refuse("", "empty field");
	refuse("26 1 254:0 / / rw - ext4 /dev/vda", "expected 6 fields");
	refuse("26 1 254:0 / / rw ext4 /dev/vda rw", "expected 6 fields");
	refuse("26 1 254:0 / / rw - ext4 /dev/vda rw x",
	    "expected 6 fields");
	refuse("26 1 254:0 / /  rw - ext4 /dev/vda rw", "empty field");
	refuse("26 1 254:0 / / rw - ext4 /dev/vda rw ", "empty field");
	refuse("x 1 254:0 / / rw - ext4 /dev/vda rw", "bad mount ID: `x'");
	refuse("26 -1 254:0 / / rw - ext4 /dev/vda rw", "bad parent ID");
	refuse("26 1 254 / / rw - ext4 /dev/vda rw", "bad major:minor");
	refuse("26 1 254:0:1 / / rw - ext4 /dev/vda rw", "bad major:minor");
	refuse("26 1 :0 / / rw - ext4 /dev/vda rw", "bad major:minor");
	refuse("12345678901 1 1:0 / / rw - ext4 /dev/vda rw",
	    "bad mount ID");
	refuse("26 1 254:0 / mnt rw - ext4 /dev/vda rw",
	    "bad mount point: `mnt'");
	refuse("26 1 254:0 / /a\\000b rw - ext4 x rw", "bad mount point");
	refuse("26 1 254:0 / /a\\08 rw - ext4 x rw", "bad mount point");
	refuse("26 1 254:0 / /a\\04 rw - ext4 x rw", "bad mount point");
	refuse("26 1 254:0 / /a\\400 rw - ext4 x rw", "bad mount point");
	refuse("26 1 254:0 / / rw,,nosuid - ext4 x rw", "bad mount options");
	refuse("26 1 254:0 / / rw, - ext4 x rw", "bad mount options");
	refuse("26 1 254:0 / /a\tb rw - ext4 x rw", "control byte 0x09");
	refuse("26 1 254:0 / /a\x7f rw - ext4 x rw", "control byte 0x7f");
}

static void
malformed_nul(void)
{
	static const char line[] = "26 1 254:0 / /a\0b rw - ext4 x rw";
	struct mountinfo_ent m;
	struct gp_err e = { "" };

	T_EQ_INT(mountinfo_parse_line(line, sizeof(line) - 1, &m, &e), -1);
	T_CHECK(strstr(e.msg, "control byte 0x00") != NULL);
}

static void
too_long(void)
{
	static char line[MOUNTINFO_LINE_MAX + 64];
	static char point[MOUNTINFO_PATH_MAX + 2];
	struct mountinfo_ent m;
	struct gp_err e = { "" };

	memset(point, 'a', sizeof(point) - 1);
	point[0] = '/';
	snprintf(line, sizeof(line), "1 1 1:1 / %s rw - t s o", point);
	T_EQ_INT(parse(line, &m, &e), -1);
	T_CHECK(strstr(e.msg, "bad mount point") != NULL);
	/* One byte shorter than the buffer fits. */
	point[MOUNTINFO_PATH_MAX - 1] = '\0';
	snprintf(line, sizeof(line), "1 1 1:1 / %s rw - t s o", point);
	T_EQ_INT(parse(line, &m, &e), 0);
	T_EQ_INT(strlen(m.point), MOUNTINFO_PATH_MAX - 1);
	T_EQ_INT(mountinfo_parse_line(line, MOUNTINFO_LINE_MAX + 1, &m,
	    &e), -1);
	T_CHECK(strstr(e.msg, "a line of") != NULL);
}

struct collect {
	unsigned	n;
	char		last[MOUNTINFO_PATH_MAX];
	unsigned	stop_at;
};

static int
collect_one(const struct mountinfo_ent *m, void *arg, struct gp_err *e)
{
	struct collect *c = arg;

	c->n++;
	snprintf(c->last, sizeof(c->last), "%s", m->point);
	if (c->n == c->stop_at)
		return err_set(e, "stopped at %u", c->n);
	return 0;
}

static void
whole_file(void)
{
	static const char text[] =
	    "26 1 254:0 / / rw - ext4 /dev/vda rw\n"
	    "21 26 0:20 / /proc rw,nosuid - proc proc rw\n"
	    "22 26 0:21 / /sys rw - sysfs sysfs rw\n";
	struct collect c = { 0, "", 0 };
	struct gp_err e = { "" };

	T_EQ_INT(mountinfo_parse(text, strlen(text), collect_one, &c,
	    &e), 0);
	T_EQ_INT(c.n, 3);
	T_STREQ(c.last, "/sys");
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	T_EQ_INT(mountinfo_parse(text, strlen(text), collect_one, &c,
	    &e), -1);
	T_STREQ(e.msg, "stopped at 2");
	memset(&c, 0, sizeof(c));
	T_EQ_INT(mountinfo_parse(text, strlen(text) - 1, collect_one, &c,
	    &e), -1);
	T_STREQ(e.msg, "mountinfo line 3: no newline");
	T_EQ_INT(mountinfo_parse("26 1 254:0 / / rw - ext4 x rw\nbad\n", 35,
	    collect_one, &c, &e), -1);
	T_CHECK(strncmp(e.msg, "line 2: mountinfo:", 18) == 0);
	memset(&c, 0, sizeof(c));
	T_EQ_INT(mountinfo_parse("", 0, collect_one, &c, &e), 0);
	T_EQ_INT(c.n, 0);
}

int
main(void)
{
	T_RUN(real_lines);
	T_RUN(escapes);
	T_RUN(malformed);
	T_RUN(malformed_nul);
	T_RUN(too_long);
	T_RUN(whole_file);
	return T_DONE();
}
