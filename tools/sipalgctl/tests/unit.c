// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of sipalgctl that need no kernel: the command line's values and
 * addresses, address formatting, and JSON escaping of what the network
 * sent. TAP, then "N passed, N failed".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <linux/nf_sip_alg.h>

#include "json.h"
#include "parse.h"
#include "tap.h"

/* tap.h's counts: one definition per test binary. */
int tap_n, tap_pass, tap_fail;

static void addr_ok(const char *s, const char *want_host, int want_port)
{
	struct ctl_addr a;
	char buf[CTL_ADDR_STRLEN], host[INET6_ADDRSTRLEN];
	int ok_parse = !ctl_parse_addr(s, &a);

	if (ok_parse)
		inet_ntop(a.len == 4 ? AF_INET : AF_INET6, a.bytes, host, sizeof(host));
	ok(ok_parse && !strcmp(host, want_host) &&
	   (want_port < 0 ? !a.has_port : a.has_port && a.port == want_port),
	   "address \"%s\" is %s port %d", s, want_host, want_port);
	if (ok_parse) {
		/* And back: the same text, IPv6 in brackets with a port. */
		ctl_format_addr(buf, sizeof(buf), a.bytes, a.len, a.has_port ? a.port : -1);
		ok(!strcmp(buf, s), "\"%s\" formats back as \"%s\"", s, buf);
	}
}

static void addr_bad(const char *s)
{
	struct ctl_addr a;

	ok(ctl_parse_addr(s, &a) == -1, "address \"%s\" is refused", s);
}

static char *escape(const char *s, size_t len)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	ctl_json_escape(f, s, len);
	fclose(f);
	return out;
}

static void escape_ok(const char *in, size_t len, const char *want)
{
	char *got = escape(in, len);

	ok(!strcmp(got, want), "JSON escape gives %s (got %s)", want, got);
	free(got);
}

static void test_values(void)
{
	const struct ctl_key *k;
	uint32_t v;
	uint16_t p;
	bool b;
	char buf[16];
	int i;

	ok(!ctl_parse_u32("0", &v) && v == 0, "u32 0");
	ok(!ctl_parse_u32("4294967295", &v) && v == UINT32_MAX, "u32 max");
	ok(ctl_parse_u32("4294967296", &v) == -1, "u32 overflow refused");
	ok(ctl_parse_u32("-1", &v) == -1, "u32 negative refused");
	ok(ctl_parse_u32(" 1", &v) == -1, "u32 leading blank refused");
	ok(ctl_parse_u32("10s", &v) == -1, "u32 trailing junk refused");
	ok(ctl_parse_u32("", &v) == -1, "u32 empty refused");
	ok(!ctl_parse_u16("65535", &p) && p == 65535, "u16 max");
	ok(ctl_parse_u16("65536", &p) == -1, "u16 overflow refused");
	ok(!ctl_parse_bool("ON", &b) && b, "bool ON");
	ok(!ctl_parse_bool("no", &b) && !b, "bool no");
	ok(!ctl_parse_bool("1", &b) && b, "bool 1");
	ok(ctl_parse_bool("2", &b) == -1, "bool 2 refused");

	k = ctl_key_find("mode");
	ok(k && !ctl_key_parse(k, "observe", &v) && v == SIP_ALG_MODE_OBSERVE, "mode observe");
	ok(k && ctl_key_parse(k, "1", &v) == -1, "mode takes names only");
	ok(k && !strcmp(ctl_key_format(k, 0, buf, sizeof(buf)), "normal"), "mode 0 is normal");
	k = ctl_key_find("sip_timeout");
	/* Ranges are the kernel's to check: 5 is a well-formed number. */
	ok(k && k->attr == SIP_ALG_A_CONFIG_SIP_TIMEOUT && !ctl_key_parse(k, "5", &v) && v == 5,
	   "sip_timeout 5 parses; the kernel judges the range");
	k = ctl_key_find("direct_media");
	ok(k && !strcmp(ctl_key_format(k, 1, buf, sizeof(buf)), "on"), "direct_media 1 is on");
	ok(!ctl_key_find("grace ") && !ctl_key_find("Grace"), "keys are exact");
	ok(ctl_key_by_attr(SIP_ALG_A_CONFIG_DROP_MALFORMED) == ctl_key_find("drop_malformed"),
	   "key by attribute");
	k = ctl_key_find("max_call_pins");
	ok(k && k->attr == SIP_ALG_A_CONFIG_MAX_CALL_PINS && k->type == CTL_KEY_U32 &&
	   !ctl_key_parse(k, "1025", &v) && v == 1025,
	   "max_call_pins is a number; the kernel judges the range");
	k = ctl_key_find("max_pins");
	ok(k && !strcmp(ctl_key_format(k, 0, buf, sizeof(buf)), "0"), "max_pins 0 shows as 0");
	/* show config and set know every setting the kernel has. */
	for (i = 1; i <= SIP_ALG_A_CONFIG_MAX; i++)
		ok(ctl_key_by_attr(i) != NULL, "config attribute %d has a key", i);
}

static void test_addrs(void)
{
	char buf[CTL_ADDR_STRLEN];
	static const uint8_t odd[5];

	addr_ok("192.0.2.1", "192.0.2.1", -1);
	addr_ok("192.0.2.1:5060", "192.0.2.1", 5060);
	addr_ok("2001:db8::1", "2001:db8::1", -1);
	addr_ok("[2001:db8::1]:5060", "2001:db8::1", 5060);
	addr_ok("::ffff:192.0.2.1", "::ffff:192.0.2.1", -1);
	addr_bad("");
	addr_bad("192.0.2");
	addr_bad("192.0.2.1:");
	addr_bad("192.0.2.1:65536");
	addr_bad("192.0.2.1:50x");
	addr_bad("[192.0.2.1]:5060");
	addr_bad("[2001:db8::1");
	addr_bad("[2001:db8::1]5060");
	addr_bad("2001:db8::1:5060:");
	addr_bad("example.com:5060");
	ok(!strcmp(ctl_format_addr(buf, sizeof(buf), odd, sizeof(odd), 1), "?:1"),
	   "an address of 5 bytes prints as ?");
}

static void test_json(void)
{
	struct ctl_json j;
	char *out = NULL;
	size_t n = 0;
	FILE *f;

	escape_ok("plain@host", 10, "plain@host");
	escape_ok("a\"b\\c", 5, "a\\\"b\\\\c");
	escape_ok("\r\n\t\x01\x1f", 5, "\\r\\n\\t\\u0001\\u001f");
	escape_ok("caf\xc3\xa9", 5, "caf\xc3\xa9");
	escape_ok("\xe2\x82\xac!", 4, "\xe2\x82\xac!");
	escape_ok("\xf0\x9f\x93\x9e", 4, "\xf0\x9f\x93\x9e");
	escape_ok("x\xffy", 3, "x\\ufffdy");
	escape_ok("\xc0\xaf", 2, "\\ufffd\\ufffd");
	escape_ok("\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd");
	escape_ok("\xe2\x82", 2, "\\ufffd\\ufffd");
	escape_ok("a\0b", 3, "a\\u0000b");

	f = open_memstream(&out, &n);
	ctl_json_init(&j, f);
	ctl_json_open(&j, '[');
	ctl_json_open(&j, '{');
	ctl_json_kv_str(&j, "id", "x");
	ctl_json_key(&j, "pins");
	ctl_json_open(&j, '[');
	ctl_json_close(&j, ']');
	ctl_json_kv_bool(&j, "up", true);
	ctl_json_close(&j, '}');
	ctl_json_open(&j, '{');
	ctl_json_kv_u64(&j, "n", 18446744073709551615ULL);
	ctl_json_close(&j, '}');
	ctl_json_close(&j, ']');
	fclose(f);
	ok(!strcmp(out, "[{\"id\":\"x\",\"pins\":[],\"up\":true},{\"n\":18446744073709551615}]\n"),
	   "JSON writer separates values");
	free(out);

	/* monitor -j: one object per line, no comma between them. */
	f = open_memstream(&out, &n);
	ctl_json_init(&j, f);
	ctl_json_open(&j, '{');
	ctl_json_kv_str(&j, "type", "call-start");
	ctl_json_close(&j, '}');
	ctl_json_open(&j, '{');
	ctl_json_kv_str(&j, "type", "call-end");
	ctl_json_close(&j, '}');
	fclose(f);
	ok(!strcmp(out, "{\"type\":\"call-start\"}\n{\"type\":\"call-end\"}\n"),
	   "JSON writer: top-level values one per line");
	free(out);
}

int main(void)
{
	test_values();
	test_addrs();
	test_json();
	printf("1..%d\n", tap_n);
	printf("%d passed, %d failed\n", tap_pass, tap_fail);
	return tap_fail ? 1 : 0;
}
