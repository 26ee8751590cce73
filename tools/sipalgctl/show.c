// SPDX-License-Identifier: GPL-2.0
/*
 * show: the settings, counters, calls with their pinholes, maps and SDP
 * strip list of the netns, as text for an operator or as JSON.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <linux/nf_sip_alg.h>

#include "ctl.h"
#include "parse.h"

static const char * const ctl_states[] = {
	[SIP_ALG_CALL_STATE_EARLY]	= "early",
	[SIP_ALG_CALL_STATE_CONFIRMED]	= "confirmed",
	[SIP_ALG_CALL_STATE_REGISTERED]	= "registered",
	[SIP_ALG_CALL_STATE_ENDING]	= "ending",
};

static const char * const ctl_classes[] = {
	[SIP_ALG_PIN_CLASS_SIGNALLING]	= "signalling",
	[SIP_ALG_PIN_CLASS_RTP]		= "rtp",
	[SIP_ALG_PIN_CLASS_RTCP]	= "rtcp",
};

static const char * const ctl_nats[] = {
	[SIP_ALG_PIN_NAT_PLAIN]	= "plain",
	[SIP_ALG_PIN_NAT_DNAT]	= "dnat",
	[SIP_ALG_PIN_NAT_SNAT]	= "snat",
};

/* The object of a do request's JSON answer (config, stats). */
static void ctl_json_begin(char c)
{
	if (ctl_jw)
		ctl_json_open(ctl_jw, c);
}

static void ctl_json_end(char c)
{
	if (ctl_jw)
		ctl_json_close(ctl_jw, c);
}

static void ctl_print_str(const struct nlattr *a)
{
	size_t len;
	const char *s;

	if (!a) {
		fputs("?", stdout);
		return;
	}
	s = ctl_attr_str(a, &len);
	ctl_text_escape(stdout, s, len);
}

static void ctl_json_attr_str(const char *key, const struct nlattr *a)
{
	size_t len;
	const char *s;

	if (!a)
		return;
	s = ctl_attr_str(a, &len);
	ctl_json_key(ctl_jw, key);
	ctl_json_str(ctl_jw, s, len);
}

/* An address attribute and its port: "addr:port" as text, two keys in JSON. */
static const char *ctl_addr(char *buf, size_t len, const struct nlattr *addr,
			    const struct nlattr *port)
{
	if (!addr)
		return "?";
	return ctl_format_addr(buf, len, mnl_attr_get_payload(addr),
			       mnl_attr_get_payload_len(addr),
			       port ? mnl_attr_get_u16(port) : -1);
}

static void ctl_json_addr(const char *key, const char *port_key,
			  const struct nlattr *addr, const struct nlattr *port)
{
	char buf[CTL_ADDR_STRLEN];

	if (addr) {
		ctl_format_addr(buf, sizeof(buf), mnl_attr_get_payload(addr),
				mnl_attr_get_payload_len(addr), -1);
		ctl_json_kv_str(ctl_jw, key, buf);
	}
	if (port)
		ctl_json_kv_u64(ctl_jw, port_key, mnl_attr_get_u16(port));
}

/* config */

static const enum mnl_attr_data_type ctl_config_types[SIP_ALG_A_CONFIG_MAX + 1] = {
	[SIP_ALG_A_CONFIG_GRACE]		= MNL_TYPE_U32,
	[SIP_ALG_A_CONFIG_SIP_TIMEOUT]		= MNL_TYPE_U32,
	[SIP_ALG_A_CONFIG_MAX_MEDIA]		= MNL_TYPE_U32,
	[SIP_ALG_A_CONFIG_MAX_DIALOGS]		= MNL_TYPE_U32,
	[SIP_ALG_A_CONFIG_MAX_SOURCE_CALLS]	= MNL_TYPE_U32,
	[SIP_ALG_A_CONFIG_MAX_CALL_PINS]	= MNL_TYPE_U32,
	[SIP_ALG_A_CONFIG_MAX_SOURCE_PINS]	= MNL_TYPE_U32,
	[SIP_ALG_A_CONFIG_MAX_PINS]		= MNL_TYPE_U32,
	[SIP_ALG_A_CONFIG_TCP_HOLD_MAX]		= MNL_TYPE_U32,
	[SIP_ALG_A_CONFIG_DIRECT_MEDIA]		= MNL_TYPE_U8,
	[SIP_ALG_A_CONFIG_DIRECT_SIGNALLING]	= MNL_TYPE_U8,
	[SIP_ALG_A_CONFIG_DROP_MALFORMED]	= MNL_TYPE_U8,
	[SIP_ALG_A_CONFIG_MODE]			= MNL_TYPE_U8,
};

static int ctl_config_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SIP_ALG_A_CONFIG_MAX + 1];
	const struct ctl_key *key;
	char buf[16];
	uint32_t v;
	size_t i;

	if (ctl_nl_parse(nlh, tb, SIP_ALG_A_CONFIG_MAX, ctl_config_types))
		return MNL_CB_ERROR;
	ctl_json_begin('{');
	for (i = 0; i < ctl_nkeys; i++) {
		key = &ctl_keys[i];
		if (!tb[key->attr])
			continue;
		if (key->type == CTL_KEY_U32)
			v = mnl_attr_get_u32(tb[key->attr]);
		else
			v = mnl_attr_get_u8(tb[key->attr]);
		if (!ctl_jw)
			printf("%-18s %s\n", key->name, ctl_key_format(key, v, buf, sizeof(buf)));
		else if (key->type == CTL_KEY_BOOL && v <= 1)
			ctl_json_kv_bool(ctl_jw, key->name, v);
		else if (key->type == CTL_KEY_MODE && ctl_mode_name(v))
			ctl_json_kv_str(ctl_jw, key->name, ctl_mode_name(v));
		else
			ctl_json_kv_u64(ctl_jw, key->name, v);
	}
	ctl_json_end('}');
	return MNL_CB_OK;
}

/* stats */

static const enum mnl_attr_data_type ctl_counter_types[SIP_ALG_A_COUNTER_MAX + 1] = {
	[SIP_ALG_A_COUNTER_NAME]	= MNL_TYPE_STRING,
	[SIP_ALG_A_COUNTER_VALUE]	= MNL_TYPE_U64,
};

static int ctl_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SIP_ALG_A_COUNTER_MAX + 1], *a;
	size_t len;
	const char *name;
	uint64_t v;

	ctl_json_begin('{');
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SIP_ALG_A_STATS_COUNTER)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0 ||
		    ctl_nl_parse_nested(a, tb, SIP_ALG_A_COUNTER_MAX, ctl_counter_types))
			return MNL_CB_ERROR;
		if (!tb[SIP_ALG_A_COUNTER_NAME] || !tb[SIP_ALG_A_COUNTER_VALUE])
			continue;
		name = ctl_attr_str(tb[SIP_ALG_A_COUNTER_NAME], &len);
		v = mnl_attr_get_u64(tb[SIP_ALG_A_COUNTER_VALUE]);
		if (ctl_jw) {
			ctl_json_keyn(ctl_jw, name, len);
			ctl_json_u64(ctl_jw, v);
		} else {
			ctl_text_escape(stdout, name, len);
			printf("%*s %llu\n", len < 30 ? (int)(30 - len) : 0, "",
			       (unsigned long long)v);
		}
	}
	ctl_json_end('}');
	return MNL_CB_OK;
}

/* calls */

static const enum mnl_attr_data_type ctl_call_types[SIP_ALG_A_CALL_MAX + 1] = {
	[SIP_ALG_A_CALL_ID]		= MNL_TYPE_STRING,
	[SIP_ALG_A_CALL_ZONE]		= MNL_TYPE_U16,
	[SIP_ALG_A_CALL_STATE]		= MNL_TYPE_U8,
	[SIP_ALG_A_CALL_AGE]		= MNL_TYPE_U32,
	[SIP_ALG_A_CALL_EXPIRES]	= MNL_TYPE_U32,
	[SIP_ALG_A_CALL_FROM]		= MNL_TYPE_STRING,
	[SIP_ALG_A_CALL_TO]		= MNL_TYPE_STRING,
	[SIP_ALG_A_CALL_FAMILY]		= MNL_TYPE_U8,
	[SIP_ALG_A_CALL_L4PROTO]	= MNL_TYPE_U8,
	[SIP_ALG_A_CALL_SRC_ADDR]	= MNL_TYPE_BINARY,
	[SIP_ALG_A_CALL_SRC_PORT]	= MNL_TYPE_U16,
	[SIP_ALG_A_CALL_DST_ADDR]	= MNL_TYPE_BINARY,
	[SIP_ALG_A_CALL_DST_PORT]	= MNL_TYPE_U16,
	[SIP_ALG_A_CALL_PIN]		= MNL_TYPE_NESTED,
	[SIP_ALG_A_CALL_PINS_TRUNCATED]	= MNL_TYPE_FLAG,
};

static const enum mnl_attr_data_type ctl_pin_types[SIP_ALG_A_PIN_MAX + 1] = {
	[SIP_ALG_A_PIN_CLASS]		= MNL_TYPE_U8,
	[SIP_ALG_A_PIN_NAT]		= MNL_TYPE_U8,
	[SIP_ALG_A_PIN_MEDIA]		= MNL_TYPE_U8,
	[SIP_ALG_A_PIN_INSIDE_ADDR]	= MNL_TYPE_BINARY,
	[SIP_ALG_A_PIN_INSIDE_PORT]	= MNL_TYPE_U16,
	[SIP_ALG_A_PIN_OUTSIDE_ADDR]	= MNL_TYPE_BINARY,
	[SIP_ALG_A_PIN_OUTSIDE_PORT]	= MNL_TYPE_U16,
	[SIP_ALG_A_PIN_ESTABLISHED]	= MNL_TYPE_FLAG,
	[SIP_ALG_A_PIN_PACKETS]		= MNL_TYPE_U64,
	[SIP_ALG_A_PIN_BYTES]		= MNL_TYPE_U64,
};

static const char *ctl_l4proto(const struct nlattr *a)
{
	if (!a)
		return NULL;
	switch (mnl_attr_get_u8(a)) {
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_TCP:
		return "tcp";
	}
	return NULL;
}

static void ctl_u8_json(const char *key, const struct nlattr *a,
			const char * const *names, size_t n)
{
	char buf[8];

	if (a)
		ctl_json_kv_str(ctl_jw, key,
				ctl_enum_name(names, n, mnl_attr_get_u8(a), buf, sizeof(buf)));
}

#define CTL_U8_JSON(key, a, names) \
	ctl_u8_json(key, a, names, ARRAY_SIZE(names))

static void ctl_pin_json(const struct nlattr **tb)
{
	ctl_json_open(ctl_jw, '{');
	CTL_U8_JSON("class", tb[SIP_ALG_A_PIN_CLASS], ctl_classes);
	if (tb[SIP_ALG_A_PIN_MEDIA])
		ctl_json_kv_u64(ctl_jw, "media", mnl_attr_get_u8(tb[SIP_ALG_A_PIN_MEDIA]));
	CTL_U8_JSON("nat", tb[SIP_ALG_A_PIN_NAT], ctl_nats);
	ctl_json_addr("inside", "inside_port", tb[SIP_ALG_A_PIN_INSIDE_ADDR],
		      tb[SIP_ALG_A_PIN_INSIDE_PORT]);
	ctl_json_addr("outside", "outside_port", tb[SIP_ALG_A_PIN_OUTSIDE_ADDR],
		      tb[SIP_ALG_A_PIN_OUTSIDE_PORT]);
	ctl_json_kv_bool(ctl_jw, "established", tb[SIP_ALG_A_PIN_ESTABLISHED]);
	if (tb[SIP_ALG_A_PIN_PACKETS])
		ctl_json_kv_u64(ctl_jw, "packets", mnl_attr_get_u64(tb[SIP_ALG_A_PIN_PACKETS]));
	if (tb[SIP_ALG_A_PIN_BYTES])
		ctl_json_kv_u64(ctl_jw, "bytes", mnl_attr_get_u64(tb[SIP_ALG_A_PIN_BYTES]));
	ctl_json_close(ctl_jw, '}');
}

/*
 *   rtp   m=0  192.168.2.128:4000 <-> 172.16.2.128:4000  dnat  established  40 packets
 */
static void ctl_pin_text(const struct nlattr **tb)
{
	char in[CTL_ADDR_STRLEN], out[CTL_ADDR_STRLEN], buf[8];
	const char *media = "";

	if (tb[SIP_ALG_A_PIN_MEDIA]) {
		snprintf(buf, sizeof(buf), "m=%u", mnl_attr_get_u8(tb[SIP_ALG_A_PIN_MEDIA]));
		media = buf;
	}
	printf("    %-10s %-4s %s <-> %s",
	       tb[SIP_ALG_A_PIN_CLASS] ?
	       CTL_ENUM(ctl_classes, mnl_attr_get_u8(tb[SIP_ALG_A_PIN_CLASS]), in) : "?",
	       media,
	       ctl_addr(in, sizeof(in), tb[SIP_ALG_A_PIN_INSIDE_ADDR],
			tb[SIP_ALG_A_PIN_INSIDE_PORT]),
	       ctl_addr(out, sizeof(out), tb[SIP_ALG_A_PIN_OUTSIDE_ADDR],
			tb[SIP_ALG_A_PIN_OUTSIDE_PORT]));
	if (tb[SIP_ALG_A_PIN_NAT])
		printf("  %s", CTL_ENUM(ctl_nats, mnl_attr_get_u8(tb[SIP_ALG_A_PIN_NAT]), buf));
	printf("  %s", tb[SIP_ALG_A_PIN_ESTABLISHED] ? "established" : "waiting");
	if (tb[SIP_ALG_A_PIN_PACKETS])
		printf("  %llu packets",
		       (unsigned long long)mnl_attr_get_u64(tb[SIP_ALG_A_PIN_PACKETS]));
	if (tb[SIP_ALG_A_PIN_BYTES])
		printf("  %llu bytes",
		       (unsigned long long)mnl_attr_get_u64(tb[SIP_ALG_A_PIN_BYTES]));
	putchar('\n');
}

static int ctl_pins(const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[SIP_ALG_A_PIN_MAX + 1], *a;

	if (ctl_jw) {
		ctl_json_key(ctl_jw, "pins");
		ctl_json_open(ctl_jw, '[');
	}
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SIP_ALG_A_CALL_PIN)
			continue;
		if (ctl_nl_parse_nested(a, tb, SIP_ALG_A_PIN_MAX, ctl_pin_types))
			return MNL_CB_ERROR;
		if (ctl_jw)
			ctl_pin_json(tb);
		else
			ctl_pin_text(tb);
	}
	if (ctl_jw)
		ctl_json_close(ctl_jw, ']');
	return MNL_CB_OK;
}

static void ctl_call_json(const struct nlattr **tb)
{
	const char *proto = ctl_l4proto(tb[SIP_ALG_A_CALL_L4PROTO]);

	ctl_json_attr_str("call_id", tb[SIP_ALG_A_CALL_ID]);
	if (tb[SIP_ALG_A_CALL_ZONE])
		ctl_json_kv_u64(ctl_jw, "zone", mnl_attr_get_u16(tb[SIP_ALG_A_CALL_ZONE]));
	CTL_U8_JSON("state", tb[SIP_ALG_A_CALL_STATE], ctl_states);
	if (tb[SIP_ALG_A_CALL_AGE])
		ctl_json_kv_u64(ctl_jw, "age", mnl_attr_get_u32(tb[SIP_ALG_A_CALL_AGE]));
	if (tb[SIP_ALG_A_CALL_EXPIRES])
		ctl_json_kv_u64(ctl_jw, "expires", mnl_attr_get_u32(tb[SIP_ALG_A_CALL_EXPIRES]));
	ctl_json_attr_str("from", tb[SIP_ALG_A_CALL_FROM]);
	ctl_json_attr_str("to", tb[SIP_ALG_A_CALL_TO]);
	if (proto)
		ctl_json_kv_str(ctl_jw, "transport", proto);
	ctl_json_addr("src", "src_port", tb[SIP_ALG_A_CALL_SRC_ADDR],
		      tb[SIP_ALG_A_CALL_SRC_PORT]);
	ctl_json_addr("dst", "dst_port", tb[SIP_ALG_A_CALL_DST_ADDR],
		      tb[SIP_ALG_A_CALL_DST_PORT]);
}

/*
 * Call-ID 5e1f0a9c@192.168.2.128
 *   confirmed, age 12 s, expires in 3588 s
 *   sip:alice@192.168.2.128 -> sip:bob@172.16.2.102
 *   signalling udp 192.168.2.128:5060 -> 172.16.2.102:5060
 */
static void ctl_call_text(const struct nlattr **tb)
{
	char src[CTL_ADDR_STRLEN], dst[CTL_ADDR_STRLEN], buf[8];
	const char *proto = ctl_l4proto(tb[SIP_ALG_A_CALL_L4PROTO]);

	fputs("Call-ID ", stdout);
	ctl_print_str(tb[SIP_ALG_A_CALL_ID]);
	if (tb[SIP_ALG_A_CALL_ZONE] && mnl_attr_get_u16(tb[SIP_ALG_A_CALL_ZONE]))
		printf(" zone %u", mnl_attr_get_u16(tb[SIP_ALG_A_CALL_ZONE]));
	printf("\n  %s",
	       tb[SIP_ALG_A_CALL_STATE] ?
	       CTL_ENUM(ctl_states, mnl_attr_get_u8(tb[SIP_ALG_A_CALL_STATE]), buf) : "?");
	if (tb[SIP_ALG_A_CALL_AGE])
		printf(", age %u s", mnl_attr_get_u32(tb[SIP_ALG_A_CALL_AGE]));
	if (tb[SIP_ALG_A_CALL_EXPIRES])
		printf(", expires in %u s", mnl_attr_get_u32(tb[SIP_ALG_A_CALL_EXPIRES]));
	fputs("\n  ", stdout);
	ctl_print_str(tb[SIP_ALG_A_CALL_FROM]);
	fputs(" -> ", stdout);
	ctl_print_str(tb[SIP_ALG_A_CALL_TO]);
	printf("\n  signalling %s %s -> %s\n", proto ? proto : "?",
	       ctl_addr(src, sizeof(src), tb[SIP_ALG_A_CALL_SRC_ADDR],
			tb[SIP_ALG_A_CALL_SRC_PORT]),
	       ctl_addr(dst, sizeof(dst), tb[SIP_ALG_A_CALL_DST_ADDR],
			tb[SIP_ALG_A_CALL_DST_PORT]));
}

/*
 * The replies to one request. A dump's are a JSON list, opened with the
 * first of them, so that a refused dump prints nothing but its error.
 */
struct ctl_list {
	bool is_list;
	int n;
};

static void ctl_list_item(struct ctl_list *l)
{
	if (ctl_jw && l->is_list && !l->n)
		ctl_json_open(ctl_jw, '[');
	l->n++;
}

static int ctl_show_dump(struct ctl_nl *nl, uint8_t cmd, ctl_nl_cb cb)
{
	struct ctl_list l = { .is_list = true };
	int ret = ctl_nl_talk(nl, ctl_nl_request(nl, cmd, NLM_F_DUMP), cb, &l);

	if (ctl_jw && (l.n || !ret)) {
		if (!l.n)
			ctl_json_open(ctl_jw, '[');
		ctl_json_close(ctl_jw, ']');
	}
	return ret;
}

static int ctl_call_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SIP_ALG_A_CALL_MAX + 1];
	struct ctl_list *calls = data;
	int ret;

	if (ctl_nl_parse(nlh, tb, SIP_ALG_A_CALL_MAX, ctl_call_types))
		return MNL_CB_ERROR;
	if (!ctl_jw && calls->n)
		putchar('\n');
	ctl_list_item(calls);
	if (ctl_jw) {
		ctl_json_open(ctl_jw, '{');
		ctl_call_json(tb);
	} else {
		ctl_call_text(tb);
	}
	ret = ctl_pins(nlh);
	/* The kernel left out the pins that did not fit in one message. */
	if (tb[SIP_ALG_A_CALL_PINS_TRUNCATED]) {
		if (ctl_jw)
			ctl_json_kv_bool(ctl_jw, "pins_truncated", true);
		else
			puts("  (more pinholes than one message holds: not all are shown)");
	}
	if (ctl_jw)
		ctl_json_close(ctl_jw, '}');
	return ret;
}

static int ctl_show_call(struct ctl_nl *nl, const char *id, int zone)
{
	struct ctl_list calls = { .is_list = false };
	struct nlmsghdr *nlh;

	nl->enoent = "no call has that Call-ID";
	nlh = ctl_nl_request(nl, SIP_ALG_CMD_CALL_GET, 0);
	if (ctl_nl_put_str(nl, nlh, SIP_ALG_A_CALL_ID, id)) {
		ctl_err("that Call-ID is too long");
		return -1;
	}
	if (zone >= 0)
		mnl_attr_put_u16(nlh, SIP_ALG_A_CALL_ZONE, zone);
	return ctl_nl_talk(nl, nlh, ctl_call_cb, &calls);
}

/* maps */

static const enum mnl_attr_data_type ctl_map_types[SIP_ALG_A_MAP_MAX + 1] = {
	[SIP_ALG_A_MAP_PRIVATE_ADDR]	= MNL_TYPE_BINARY,
	[SIP_ALG_A_MAP_PUBLIC_ADDR]	= MNL_TYPE_BINARY,
	[SIP_ALG_A_MAP_PRIVATE_PORT]	= MNL_TYPE_U16,
	[SIP_ALG_A_MAP_PUBLIC_PORT]	= MNL_TYPE_U16,
};

static int ctl_map_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SIP_ALG_A_MAP_MAX + 1];
	char priv[CTL_ADDR_STRLEN], pub[CTL_ADDR_STRLEN];

	if (ctl_nl_parse(nlh, tb, SIP_ALG_A_MAP_MAX, ctl_map_types))
		return MNL_CB_ERROR;
	ctl_list_item(data);
	if (ctl_jw) {
		ctl_json_open(ctl_jw, '{');
		ctl_json_addr("private", "private_port", tb[SIP_ALG_A_MAP_PRIVATE_ADDR],
			      tb[SIP_ALG_A_MAP_PRIVATE_PORT]);
		ctl_json_addr("public", "public_port", tb[SIP_ALG_A_MAP_PUBLIC_ADDR],
			      tb[SIP_ALG_A_MAP_PUBLIC_PORT]);
		ctl_json_close(ctl_jw, '}');
		return MNL_CB_OK;
	}
	printf("%s <-> %s\n",
	       ctl_addr(priv, sizeof(priv), tb[SIP_ALG_A_MAP_PRIVATE_ADDR],
			tb[SIP_ALG_A_MAP_PRIVATE_PORT]),
	       ctl_addr(pub, sizeof(pub), tb[SIP_ALG_A_MAP_PUBLIC_ADDR],
			tb[SIP_ALG_A_MAP_PUBLIC_PORT]));
	return MNL_CB_OK;
}

/* sdp-strip */

static const enum mnl_attr_data_type ctl_strip_types[SIP_ALG_A_STRIP_MAX + 1] = {
	[SIP_ALG_A_STRIP_PREFIX]	= MNL_TYPE_STRING,
};

static int ctl_strip_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SIP_ALG_A_STRIP_MAX + 1];
	const char *s;
	size_t len;

	if (ctl_nl_parse(nlh, tb, SIP_ALG_A_STRIP_MAX, ctl_strip_types))
		return MNL_CB_ERROR;
	if (!tb[SIP_ALG_A_STRIP_PREFIX])
		return MNL_CB_OK;
	ctl_list_item(data);
	s = ctl_attr_str(tb[SIP_ALG_A_STRIP_PREFIX], &len);
	if (ctl_jw) {
		ctl_json_str(ctl_jw, s, len);
	} else {
		ctl_text_escape(stdout, s, len);
		putchar('\n');
	}
	return MNL_CB_OK;
}

int ctl_cmd_show(struct ctl_nl *nl, int argc, char **argv)
{
	static const char what_list[] = "calls, call, stats, config, maps or sdp-strip";
	const char *what = argc ? argv[0] : "";
	int zone = -1, ret;

	if (!strcmp(what, "call")) {
		if (argc < 2)
			return ctl_usage_err("show call: which Call-ID?");
		if (ctl_parse_zone(argc - 2, argv + 2, &zone))
			return CTL_EXIT_USAGE;
	} else if (argc != 1) {
		if (!argc)
			return ctl_usage_err("show what? %s", what_list);
		return ctl_usage_err("unexpected \"%s\" after show %s", argv[1], what);
	}

	if (strcmp(what, "calls") && strcmp(what, "call") && strcmp(what, "stats") &&
	    strcmp(what, "config") && strcmp(what, "maps") && strcmp(what, "sdp-strip"))
		return ctl_usage_err("cannot show \"%s\": %s", what, what_list);
	if (ctl_nl_open(nl))
		return CTL_EXIT_FAIL;

	if (!strcmp(what, "calls"))
		ret = ctl_show_dump(nl, SIP_ALG_CMD_CALL_GET, ctl_call_cb);
	else if (!strcmp(what, "call"))
		ret = ctl_show_call(nl, argv[1], zone);
	else if (!strcmp(what, "stats"))
		ret = ctl_nl_talk(nl, ctl_nl_request(nl, SIP_ALG_CMD_STATS_GET, 0), ctl_stats_cb,
				  NULL);
	else if (!strcmp(what, "config"))
		ret = ctl_nl_talk(nl, ctl_nl_request(nl, SIP_ALG_CMD_CONFIG_GET, 0), ctl_config_cb,
				  NULL);
	else if (!strcmp(what, "maps"))
		ret = ctl_show_dump(nl, SIP_ALG_CMD_MAP_GET, ctl_map_cb);
	else
		ret = ctl_show_dump(nl, SIP_ALG_CMD_SDP_STRIP_GET, ctl_strip_cb);
	return ret ? CTL_EXIT_FAIL : CTL_EXIT_OK;
}
