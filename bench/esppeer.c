/* SPDX-License-Identifier: ISC */
/*
 * esppeer: the benchmark's ESP gateway (make bench), run as root in the
 * gateway namespace while tests/gateway/gpgw.py (--esp-external) does the
 * HTTPS part. Datagrams from the client are untrusted: tunnel/esp.c
 * checks and decrypts them before their inner packet reaches the tun.
 */
/*
 * It owns the gateway's ESP UDP port. Valid datagrams go to a tun device
 * (magic pings, PROTOCOL.md §7.7, are answered instead), and packets read
 * from the tun go back encrypted to the client's last address, batched
 * with recvmmsg/sendmmsg. The SA is the PROTOCOL.md §7.6 test-vector pair
 * that gpgw.py --fixed-esp-keys hands out (AES-128-CBC, HMAC-SHA1-96), so
 * no key travels between the two processes. Start it afresh for each
 * client session: replay windows and sequence numbers start at 0.
 * For the packet-rate tests it is both ends of the load, so that the
 * gateway side costs little: inner UDP to port 9 (discard) is counted
 * and dropped instead of reaching the tun, and on command (one byte on
 * the -c FIFO: 'a' 64-byte, 'b' 1400-byte packets, 's' stop, 'p' print
 * the counters) it floods the client's tunnel address with such packets.
 * With -G it sends each run of same-size datagrams (then one shorter)
 * with one UDP_SEGMENT sendmsg, as a gateway with GSO would.
 * `esppeer now` prints CLOCK_MONOTONIC in ns, the clock of its
 * "first_esp_ns" line, and the same instant as CLOCK_REALTIME in
 * seconds (the gateway log's clock), so a driver can time
 * start-to-first-ESP and the connect's phases from one t0;
 * `esppeer selftest` checks it against the §7.6 test vector.
 */
#define _GNU_SOURCE	/* recvmmsg, sendmmsg */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "ipc/config.h"
#include "ipc/err.h"
#include "tunnel/esp.h"
#include "bench/peerpkt.h"
#include "bench/tunoff.h"

#define PEER_BATCH		64
#define PEER_TX_BUDGET		64	/* datagrams from tun per turn */
#define PEER_BUF_BYTES		2048
#define PEER_SOCKBUF_BYTES	(8 * 1024 * 1024)
#define PEER_POLL_MS		200
#define PEER_BLAST_SMALL	64
#define PEER_BLAST_LARGE	1400

/* PROTOCOL.md §7.6, as gpgw.py FIXED_ESP: c2s is the peer's inbound. */
#define PEER_SPI_C2S		0xA5A5A5A5U
#define PEER_SPI_S2C		0x5A5A5A5AU
static const uint8_t peer_ekey_c2s[16] = {
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef,
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xe1,
};
static const uint8_t peer_ekey_s2c[16] = {
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef,
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xe2,
};
static const uint8_t peer_akey_c2s[20] = {
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad,
	0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xe1,
};
static const uint8_t peer_akey_s2c[20] = {
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad,
	0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xe2,
};

struct peer_stats {
	unsigned long long	rx_dgrams;
	unsigned long long	rx_trunc;
	unsigned long long	tun_writes;	/* IP packets */
	unsigned long long	tun_supers;	/* coalesced writes */
	unsigned long long	tun_write_err;
	unsigned long long	tun_reads;	/* reads, TSO or not */
	unsigned long long	tun_bad;	/* read but not usable */
	unsigned long long	tx_dgrams;
	unsigned long long	tx_gso;		/* UDP_SEGMENT sends */
	unsigned long long	tx_noclient;
	unsigned long long	send_err;
	unsigned long long	magic;
	unsigned long long	sink;
	unsigned long long	blast;
	unsigned long long	drops[ESP_DROP_REASONS];
};

struct peer {
	int			udp;
	int			tun;
	int			ctl;		/* FIFO, or -1 */
	struct esp_sa		*in;
	struct esp_sa		*out;
	uint8_t			gw4[4];
	uint8_t			src4[4];	/* of blast packets */
	uint8_t			client4[4];	/* its tunnel address */
	int			have_client4;
	size_t			blast_len;	/* 0: not blasting */
	uint8_t			blast_pkt[PEER_BLAST_LARGE];
	struct sockaddr_in	client;
	int			have_client;
	int			first_seen;
	struct peer_stats	st;
	struct mmsghdr		rmsg[PEER_BATCH];
	struct iovec		riov[PEER_BATCH];
	struct sockaddr_in	raddr[PEER_BATCH];
	uint8_t			rbuf[PEER_BATCH][PEER_BUF_BYTES];
	struct mmsghdr		smsg[PEER_BATCH];
	struct iovec		siov[PEER_BATCH];
	uint8_t			sbuf[PEER_BATCH][PEER_BUF_BYTES];
	unsigned		nsend;
	int			gso;		/* -G: UDP_SEGMENT runs */
	struct tunoff_gro	gro;
	uint8_t			tunbuf[TUNOFF_HDR_BYTES + TUNOFF_MAX_BYTES + 1];
};

static volatile sig_atomic_t peer_stop;
static volatile sig_atomic_t peer_dump;

static void
peer_on_signal(int sig)
{
	if (sig == SIGUSR1)
		peer_dump = 1;
	else
		peer_stop = 1;
}

static long long
peer_now_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void __attribute__((noreturn, format(printf, 1, 2)))
peer_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("esppeer: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* The SA pair seen from the gateway: its outbound uses the s2c keys. */
static void
peer_sa_init(struct peer *p)
{
	struct cfg_esp c;
	struct gp_err e;

	memset(&c, 0, sizeof(c));
	c.present = true;
	c.enc = CFG_ENC_AES128_CBC;
	c.mac = CFG_MAC_SHA1_96;
	c.spi_c2s = PEER_SPI_S2C;	/* esp_sa_new's "outbound" fields */
	memcpy(c.ekey_c2s, peer_ekey_s2c, sizeof(peer_ekey_s2c));
	memcpy(c.akey_c2s, peer_akey_s2c, sizeof(peer_akey_s2c));
	c.spi_s2c = PEER_SPI_C2S;	/* and its "inbound" fields */
	memcpy(c.ekey_s2c, peer_ekey_c2s, sizeof(peer_ekey_c2s));
	memcpy(c.akey_s2c, peer_akey_c2s, sizeof(peer_akey_c2s));
	p->out = esp_sa_new(&c, 1, &e);
	if (p->out == NULL)
		peer_fatal("outbound SA: %s", e.msg);
	p->in = esp_sa_new(&c, 0, &e);
	if (p->in == NULL)
		peer_fatal("inbound SA: %s", e.msg);
}

static int
peer_udp_open(const struct sockaddr_in *sin)
{
	int fd, n = PEER_SOCKBUF_BYTES;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		peer_fatal("socket: %s", strerror(errno));
	/* Root may exceed rmem_max/wmem_max; fall back to the plain ones. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &n, sizeof(n)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &n, sizeof(n));
	if (bind(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1)
		peer_fatal("bind %s:%u: %s", inet_ntoa(sin->sin_addr),
		    ntohs(sin->sin_port), strerror(errno));
	return fd;
}

/* Attach to the tun device the driver made (ip tuntap add ... mode tun). */
static int
peer_tun_open(const char *name)
{
	struct ifreq ifr;
	int fd;

	if (strlen(name) >= IFNAMSIZ)
		peer_fatal("tun name `%s' too long", name);
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		peer_fatal("/dev/net/tun: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	/* Offloads: TSO super-packets in, coalesced segments out. */
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) == -1)
		peer_fatal("TUNSETIFF `%s': %s", name, strerror(errno));
	if (ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 |
	    TUN_F_TSO_ECN) == -1)
		peer_fatal("TUNSETOFFLOAD `%s': %s", name, strerror(errno));
	return fd;
}

/* The flood packet: IPv4 UDP to the client's tunnel address, port 9. */
static void
peer_blast_start(struct peer *p, size_t len)
{
	if (!p->have_client4) {
		fputs("esppeer: no client address yet: no blast\n", stderr);
		return;
	}
	peerpkt_discard(p->blast_pkt, len, p->src4, p->client4);
	p->blast_len = len;
}

/* Encrypt the packet at sbuf[nsend] + ESP_HEADROOM into the send batch. */
static void
peer_queue(struct peer *p, size_t inner_len)
{
	size_t n;

	if (!p->have_client) {
		p->st.tx_noclient++;
		return;
	}
	if (esp_encrypt(p->out, p->sbuf[p->nsend], PEER_BUF_BYTES, inner_len,
	    &n) == -1) {
		p->st.send_err++;
		return;
	}
	p->siov[p->nsend].iov_len = n;
	p->nsend++;
}

/* How many datagrams from i on go in one UDP_SEGMENT send: a run of the
 * same size, then at most one shorter, within 64 and 65000 bytes. */
static unsigned
peer_gso_run(const struct peer *p, unsigned i)
{
	size_t seg = p->siov[i].iov_len, total = seg;
	unsigned j = i + 1;

	while (j < p->nsend && j - i < 64 &&
	    total + p->siov[j].iov_len <= 65000 &&
	    p->siov[j].iov_len <= seg) {
		total += p->siov[j].iov_len;
		if (p->siov[j++].iov_len < seg)
			break;
	}
	return j - i;
}

/* -G: each run of same-size datagrams in one sendmsg with UDP_SEGMENT,
 * so that the client's socket may take them with UDP_GRO. */
static void
peer_flush_gso(struct peer *p)
{
	union { uint8_t b[CMSG_SPACE(sizeof(uint16_t))];
	    struct cmsghdr align; } u;
	struct msghdr m;
	struct cmsghdr *c;
	unsigned i = 0, k;
	uint16_t seg;

	while (i < p->nsend) {
		k = peer_gso_run(p, i);
		memset(&m, 0, sizeof(m));
		m.msg_name = &p->client;
		m.msg_namelen = sizeof(p->client);
		m.msg_iov = &p->siov[i];
		m.msg_iovlen = k;
		if (k > 1) {
			memset(&u, 0, sizeof(u));
			m.msg_control = u.b;
			m.msg_controllen = sizeof(u.b);
			c = CMSG_FIRSTHDR(&m);
			c->cmsg_level = SOL_UDP;
			c->cmsg_type = UDP_SEGMENT;
			c->cmsg_len = CMSG_LEN(sizeof(seg));
			seg = (uint16_t)p->siov[i].iov_len;
			memcpy(CMSG_DATA(c), &seg, sizeof(seg));
		}
		if (sendmsg(p->udp, &m, 0) == -1) {
			if (errno == EINTR)
				continue;
			p->st.send_err += k;
		} else {
			p->st.tx_dgrams += k;
			p->st.tx_gso += k > 1;
		}
		i += k;
	}
	p->nsend = 0;
}

static void
peer_flush(struct peer *p)
{
	unsigned done = 0;
	int n;

	if (p->gso) {
		peer_flush_gso(p);
		return;
	}
	while (done < p->nsend) {
		n = sendmmsg(p->udp, p->smsg + done, p->nsend - done, 0);
		if (n <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			p->st.send_err += p->nsend - done;
			break;
		}
		p->st.tx_dgrams += (unsigned)n;
		done += (unsigned)n;
	}
	p->nsend = 0;
}

static void
peer_first(struct peer *p)
{
	if (p->first_seen)
		return;
	p->first_seen = 1;
	printf("first_esp_ns %lld\n", peer_now_ns());
	fflush(stdout);
}

static void
peer_gro_flush(struct peer *p)
{
	const uint8_t *b;
	size_t segs = p->gro.segs, n;

	n = tunoff_gro_take(&p->gro, &b);
	if (n == 0)
		return;
	if (write(p->tun, b, n) == (ssize_t)n) {
		p->st.tun_writes += segs;
		p->st.tun_supers += segs > 1;
	} else
		p->st.tun_write_err += segs;
}

/* An inner packet to the tun: coalesced with its neighbours if it is
 * a TCP segment that continues them, else written alone. */
static void
peer_tun_out(struct peer *p, const uint8_t *pkt, size_t len)
{
	static const uint8_t none[TUNOFF_HDR_BYTES];
	struct iovec iov[2];

	if (tunoff_gro_add(&p->gro, pkt, len))
		return;
	peer_gro_flush(p);
	if (tunoff_gro_add(&p->gro, pkt, len))
		return;
	iov[0].iov_base = (void *)none;
	iov[0].iov_len = sizeof(none);
	iov[1].iov_base = (void *)pkt;
	iov[1].iov_len = len;
	if (writev(p->tun, iov, 2) == (ssize_t)(sizeof(none) + len))
		p->st.tun_writes++;
	else
		p->st.tun_write_err++;
}

/* One datagram of the receive batch: to the tun, or a magic reply. */
static void
peer_datagram(struct peer *p, unsigned i)
{
	uint8_t *d = p->rbuf[i];
	size_t off, len;
	enum esp_drop why;

	if (p->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) {
		p->st.rx_trunc++;
		return;
	}
	if (esp_decrypt(p->in, d, p->rmsg[i].msg_len, &off, &len,
	    &why) == -1) {
		p->st.drops[why]++;
		return;
	}
	p->client = p->raddr[i];
	p->have_client = 1;
	if (peerpkt_is_magic(d + off, len, p->gw4)) {
		p->st.magic++;
		if (p->nsend == PEER_BATCH)
			peer_flush(p);
		peer_queue(p, peerpkt_magic_reply(d + off, len,
		    p->sbuf[p->nsend] + ESP_HEADROOM));
		return;
	}
	if (peerpkt_is_discard(d + off, len)) {
		p->st.sink++;
		return;
	}
	if (len >= 20 && d[off] >> 4 == 4) {
		memcpy(p->client4, d + off + 12, 4);
		p->have_client4 = 1;
	}
	peer_tun_out(p, d + off, len);
}

static void
peer_udp_batch(struct peer *p)
{
	unsigned i;
	int n;

	for (i = 0; i < PEER_BATCH; i++) {
		p->rmsg[i].msg_hdr.msg_namelen = sizeof(p->raddr[i]);
		p->rmsg[i].msg_hdr.msg_flags = 0;
	}
	n = recvmmsg(p->udp, p->rmsg, PEER_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;
	peer_first(p);
	p->st.rx_dgrams += (unsigned)n;
	for (i = 0; i < (unsigned)n; i++)
		peer_datagram(p, i);
	peer_gro_flush(p);
	peer_flush(p);
}

/* One read from the tun: a packet or a TSO super-packet, segmented.
 * How many datagrams it made, or -1: the tun is empty. */
static int
peer_tun_read(struct peer *p)
{
	size_t room = PEER_BUF_BYTES - ESP_HEADROOM - ESP_TAILROOM;
	const uint8_t *pkt = p->tunbuf + TUNOFF_HDR_BYTES;
	struct virtio_net_hdr h;
	size_t i, segs, len;
	ssize_t n;

	n = read(p->tun, p->tunbuf, sizeof(p->tunbuf));
	if (n < (ssize_t)TUNOFF_HDR_BYTES)
		return -1;
	p->st.tun_reads++;
	memcpy(&h, p->tunbuf, sizeof(h));
	len = (size_t)n - TUNOFF_HDR_BYTES;
	segs = tunoff_seg_count(&h, pkt, len);
	if (segs == 0)
		p->st.tun_bad++;
	for (i = 0; i < segs; i++) {
		if (p->nsend == PEER_BATCH)
			peer_flush(p);
		len = tunoff_seg_build(&h, pkt, (size_t)n - TUNOFF_HDR_BYTES,
		    i, p->sbuf[p->nsend] + ESP_HEADROOM, room);
		if (len == 0) {
			p->st.tun_bad++;
			break;
		}
		peer_queue(p, len);
	}
	return (int)i;
}

/*
 * Tun reads until the turn has made PEER_TX_BUDGET datagrams. One TSO
 * read makes up to 45: without a budget a turn of a download ran for
 * milliseconds while the client's ACKs and echo requests waited in the
 * UDP socket, and ping under load measured this peer's queue.
 */
static void
peer_tun_batch(struct peer *p)
{
	unsigned i, made = 0;
	int n;

	for (i = 0; i < PEER_BATCH && made < PEER_TX_BUDGET; i++) {
		if ((n = peer_tun_read(p)) == -1)
			break;
		made += (unsigned)n;
	}
	peer_flush(p);
}

static void
peer_blast_batch(struct peer *p)
{
	unsigned i;

	for (i = 0; i < PEER_BATCH; i++) {
		memcpy(p->sbuf[p->nsend] + ESP_HEADROOM, p->blast_pkt,
		    p->blast_len);
		peer_queue(p, p->blast_len);
	}
	p->st.blast += PEER_BATCH;
	peer_flush(p);
}

static void peer_print_stats(const struct peer *p);

/* Commands from the driver: one byte each, anything else is ignored. */
static void
peer_ctl_read(struct peer *p)
{
	char cmd[16];
	ssize_t i, n;

	n = read(p->ctl, cmd, sizeof(cmd));
	for (i = 0; i < n; i++) {
		switch (cmd[i]) {
		case 'a':
			peer_blast_start(p, PEER_BLAST_SMALL);
			break;
		case 'b':
			peer_blast_start(p, PEER_BLAST_LARGE);
			break;
		case 's':
			p->blast_len = 0;
			break;
		case 'p':
			peer_print_stats(p);
			break;
		default:
			fprintf(stderr, "esppeer: control byte 0x%02x "
			    "ignored\n", (unsigned char)cmd[i]);
		}
	}
}

static void
peer_print_stats(const struct peer *p)
{
	const struct peer_stats *s = &p->st;

	fprintf(stderr, "esppeer: rx_dgrams %llu rx_trunc %llu "
	    "tun_writes %llu tun_supers %llu tun_write_err %llu "
	    "tun_reads %llu tun_bad %llu tx_dgrams %llu tx_gso %llu "
	    "tx_noclient %llu send_err %llu magic %llu "
	    "drop_short %llu drop_spi %llu drop_icv %llu drop_replay %llu "
	    "drop_pad %llu drop_nexthdr %llu sink %llu blast %llu\n",
	    s->rx_dgrams, s->rx_trunc, s->tun_writes, s->tun_supers,
	    s->tun_write_err, s->tun_reads, s->tun_bad, s->tx_dgrams,
	    s->tx_gso, s->tx_noclient, s->send_err, s->magic,
	    s->drops[ESP_DROP_SHORT], s->drops[ESP_DROP_SPI],
	    s->drops[ESP_DROP_ICV], s->drops[ESP_DROP_REPLAY],
	    s->drops[ESP_DROP_PAD], s->drops[ESP_DROP_NEXTHDR], s->sink,
	    s->blast);
}

static void
peer_batches_init(struct peer *p)
{
	unsigned i;

	for (i = 0; i < PEER_BATCH; i++) {
		p->riov[i].iov_base = p->rbuf[i];
		p->riov[i].iov_len = PEER_BUF_BYTES;
		p->rmsg[i].msg_hdr.msg_iov = &p->riov[i];
		p->rmsg[i].msg_hdr.msg_iovlen = 1;
		p->rmsg[i].msg_hdr.msg_name = &p->raddr[i];
		p->siov[i].iov_base = p->sbuf[i];
		p->smsg[i].msg_hdr.msg_iov = &p->siov[i];
		p->smsg[i].msg_hdr.msg_iovlen = 1;
		p->smsg[i].msg_hdr.msg_name = &p->client;
		p->smsg[i].msg_hdr.msg_namelen = sizeof(p->client);
	}
}

static void
peer_loop(struct peer *p)
{
	struct pollfd pfd[3];

	pfd[0].fd = p->udp;
	pfd[0].events = POLLIN;
	pfd[1].fd = p->tun;
	pfd[1].events = POLLIN;
	pfd[2].fd = p->ctl;
	pfd[2].events = POLLIN;
	while (!peer_stop) {
		if (peer_dump) {
			peer_dump = 0;
			peer_print_stats(p);
		}
		if (poll(pfd, p->ctl == -1 ? 2 : 3,
		    p->blast_len ? 0 : PEER_POLL_MS) == -1) {
			if (errno == EINTR)
				continue;
			peer_fatal("poll: %s", strerror(errno));
		}
		if (pfd[0].revents & POLLIN)
			peer_udp_batch(p);
		if (pfd[1].revents & POLLIN)
			peer_tun_batch(p);
		if (p->ctl != -1 && pfd[2].revents & POLLIN)
			peer_ctl_read(p);
		if ((pfd[0].revents | pfd[1].revents) & (POLLERR | POLLNVAL))
			peer_fatal("poll: error on a descriptor");
		if (p->blast_len)
			peer_blast_batch(p);
	}
}

/* PROTOCOL.md §7.6: the magic ping to 127.0.0.1 in the c2s SA. */
static const uint8_t peer_vector[] = {
	0xa5, 0xa5, 0xa5, 0xa5, 0x00, 0x00, 0x00, 0x00,
	0x2d, 0x8a, 0x37, 0xe7, 0xa3, 0xa5, 0x99, 0x02,
	0x39, 0x2d, 0x62, 0x5c, 0x22, 0x94, 0x16, 0x2c,
	0xbc, 0xe8, 0xa6, 0x61, 0x9d, 0x94, 0x09, 0x6d,
	0x3c, 0x6a, 0x42, 0xc0, 0x87, 0x4f, 0x4e, 0x4e,
	0x8c, 0xd0, 0x7a, 0xb2, 0x91, 0xf4, 0x8a, 0x66,
	0x90, 0xa0, 0xda, 0xe7, 0x7c, 0x5a, 0x69, 0x96,
	0x9d, 0x59, 0x58, 0x1a, 0xbf, 0xe3, 0x85, 0xa2,
	0x60, 0xf8, 0xa8, 0x9e, 0x30, 0x18, 0xfe, 0x1f,
	0x82, 0xf1, 0x0c, 0x14, 0xe0, 0x1c, 0x14, 0x4b,
	0xd0, 0xca, 0x51, 0x84,
};

/*
 * `esppeer selftest`: the peer's inbound SA decrypts the §7.6 datagram
 * to a magic ping, and the reply it builds has valid checksums and the
 * addresses swapped. Prints one TAP line; exits 0 if it passed.
 */
static int
peer_selftest(struct peer *p)
{
	uint8_t d[sizeof(peer_vector)], rep[PEER_BUF_BYTES];
	const uint8_t lo[4] = { 127, 0, 0, 1 };
	enum esp_drop why = ESP_DROP_SHORT;
	size_t off = 0, len = 0, n = 0;
	int ok;

	peer_sa_init(p);
	memcpy(p->gw4, lo, sizeof(lo));
	memcpy(d, peer_vector, sizeof(d));
	ok = esp_decrypt(p->in, d, sizeof(d), &off, &len, &why) == 0 &&
	    len == 44 && peerpkt_is_magic(d + off, len, lo);
	if (ok) {
		n = peerpkt_magic_reply(d + off, len, rep);
		ok = n == len && rep[20] == 0 &&	/* echo reply */
		    peerpkt_csum(rep, 20) == 0 &&
		    peerpkt_csum(rep + 20, 24) == 0 &&
		    memcmp(rep + 12, lo, 4) == 0;
	}
	printf("%s - esppeer: PROTOCOL.md 7.6 datagram decrypts to a magic "
	    "ping; reply valid%s%s\n", ok ? "ok" : "not ok",
	    ok ? "" : ": ", ok ? "" : esp_drop_name(why));
	return ok ? 0 : 1;
}

static void
peer_usage(void)
{
	fputs("usage: esppeer [-G] -l ADDR -p PORT -i TUN -g GW-ADDRESS "
	    "[-s BLAST-SRC] [-c FIFO]\n"
	    "       esppeer now | selftest\n", stderr);
	exit(64);
}

static void
peer_addr(const char *opt, const char *s, uint8_t out[4])
{
	if (inet_pton(AF_INET, s, out) != 1)
		peer_fatal("%s: `%s' is not IPv4", opt, s);
}

static void
peer_parse(int argc, char **argv, struct sockaddr_in *sin, const char **tun,
    const char **ctl, struct peer *p)
{
	char *end;
	long port;
	int ch;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	*tun = NULL;
	*ctl = NULL;
	while ((ch = getopt(argc, argv, "Gl:p:i:g:s:c:")) != -1) {
		switch (ch) {
		case 'l':
			peer_addr("-l", optarg, (uint8_t *)&sin->sin_addr);
			break;
		case 'p':
			errno = 0;
			port = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || port < 1 ||
			    port > 65535)
				peer_fatal("-p: `%s' is not a port", optarg);
			sin->sin_port = htons((uint16_t)port);
			break;
		case 'i':
			*tun = optarg;
			break;
		case 'g':
			peer_addr("-g", optarg, p->gw4);
			break;
		case 's':
			peer_addr("-s", optarg, p->src4);
			break;
		case 'c':
			*ctl = optarg;
			break;
		case 'G':
			p->gso = 1;
			break;
		default:
			peer_usage();
		}
	}
	if (*tun == NULL || sin->sin_port == 0 || optind != argc)
		peer_usage();
}

int
main(int argc, char **argv)
{
	static struct peer p;	/* 256 KiB of batches: not on the stack */
	struct sockaddr_in sin;
	struct sigaction sa;
	const char *tun, *ctl;

	if (argc == 2 && strcmp(argv[1], "now") == 0) {
		struct timespec real;

		(void)clock_gettime(CLOCK_REALTIME, &real);
		printf("%lld %lld.%09ld\n", peer_now_ns(),
		    (long long)real.tv_sec, real.tv_nsec);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "selftest") == 0)
		return peer_selftest(&p);
	peer_parse(argc, argv, &sin, &tun, &ctl, &p);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = peer_on_signal;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGUSR1, &sa, NULL);
	peer_sa_init(&p);
	p.udp = peer_udp_open(&sin);
	p.tun = peer_tun_open(tun);
	p.ctl = -1;
	/* Read-write: the FIFO never reports EOF between writers. */
	if (ctl != NULL &&
	    (p.ctl = open(ctl, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		peer_fatal("%s: %s", ctl, strerror(errno));
	peer_batches_init(&p);
	printf("ready\n");
	fflush(stdout);
	peer_loop(&p);
	peer_print_stats(&p);
	esp_sa_free(p.in);
	esp_sa_free(p.out);
	return 0;
}
