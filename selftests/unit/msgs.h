/* SPDX-License-Identifier: GPL-2.0 */
/* Test messages: LF line ends, @CL@ = computed Content-Length. */
#ifndef _SIP_ALG_MSGS_H
#define _SIP_ALG_MSGS_H

#define SDP_A \
	"v=0\n" \
	"o=alice 2890844526 2890844526 IN IP4 192.168.1.10\n" \
	"s=-\n" \
	"c=IN IP4 192.168.1.10\n" \
	"t=0 0\n" \
	"m=audio 49170 RTP/AVP 0 8 101\n" \
	"a=rtpmap:0 PCMU/8000\n" \
	"a=rtpmap:8 PCMA/8000\n" \
	"a=rtpmap:101 telephone-event/8000\n" \
	"a=fmtp:101 0-15\n" \
	"a=rtcp:49171\n" \
	"a=ptime:20\n" \
	"a=sendrecv\n"

/* Seed 000: outbound INVITE from the PBX (sipp) */
static const char seed000_out[] =
	"INVITE sip:service@172.16.2.102:5060 SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.168.2.128:5060;branch=z9hG4bK-4178-1-0\n"
	"From: sipp <sip:sipp@192.168.2.128:5060>;tag=4178SIPpTag001\n"
	"To: service <sip:service@172.16.2.102:5060>\n"
	"Call-ID: 1-4178@192.168.2.128\n"
	"CSeq: 1 INVITE\n"
	"Contact: sip:sipp@192.168.2.128:5060\n"
	"Max-Forwards: 70\n"
	"Subject: Performance Test\n"
	"Content-Type: application/sdp\n"
	"Content-Length:   @CL@\n"
	"\n"
	"v=0\n"
	"o=user1 53655765 2353687637 IN IP4 192.168.2.128\n"
	"s=-\n"
	"c=IN IP4 192.168.2.128\n"
	"t=0 0\n"
	"m=audio 6000 RTP/AVP 0\n"
	"a=rtpmap:0 PCMU/8000\n";

static const char seed000_out_expect[] =
	"INVITE sip:service@172.16.2.102:5060 SIP/2.0\n"
	"Via: SIP/2.0/UDP 172.16.2.128:5060;branch=z9hG4bK-4178-1-0\n"
	"From: sipp <sip:sipp@172.16.2.128:5060>;tag=4178SIPpTag001\n"
	"To: service <sip:service@172.16.2.102:5060>\n"
	"Call-ID: 1-4178@192.168.2.128\n"
	"CSeq: 1 INVITE\n"
	"Contact: sip:sipp@172.16.2.128:5060\n"
	"Max-Forwards: 70\n"
	"Subject: Performance Test\n"
	"Content-Type: application/sdp\n"
	"Content-Length:   @CL@\n"
	"\n"
	"v=0\n"
	"o=user1 53655765 2353687637 IN IP4 172.16.2.128\n"
	"s=-\n"
	"c=IN IP4 172.16.2.128\n"
	"t=0 0\n"
	"m=audio 6000 RTP/AVP 0\n"
	"a=rtpmap:0 PCMU/8000\n";

/* Seed 000: inbound INVITE from the server to the proxy-ip */
static const char seed000_in[] =
	"INVITE sip:phone3@172.16.2.128:5060 SIP/2.0\n"
	"Via: SIP/2.0/UDP 172.16.2.102:5060;branch=z9hG4bK-3585-1-0\n"
	"From: sipp <sip:sipp@172.16.2.102:5060>;tag=3585SIPpTag001\n"
	"To: phone3 <sip:phone3@172.16.2.128:5060>\n"
	"Call-ID: 1-3585@172.16.2.102\n"
	"CSeq: 1 INVITE\n"
	"Contact: sip:sipp@172.16.2.102:5060\n"
	"Max-Forwards: 70\n"
	"Subject: Performance Test\n"
	"Content-Type: application/sdp\n"
	"Content-Length:   @CL@\n"
	"\n"
	"v=0\n"
	"o=user1 53655765 2353687637 IN IP4 172.16.2.102\n"
	"s=-\n"
	"c=IN IP4 172.16.2.102\n"
	"t=0 0\n"
	"m=audio 6000 RTP/AVP 0\n"
	"a=rtpmap:0 PCMU/8000\n";

static const char seed000_in_expect[] =
	"INVITE sip:phone3@192.168.2.128:5060 SIP/2.0\n"
	"Via: SIP/2.0/UDP 172.16.2.102:5060;branch=z9hG4bK-3585-1-0\n"
	"From: sipp <sip:sipp@172.16.2.102:5060>;tag=3585SIPpTag001\n"
	"To: phone3 <sip:phone3@192.168.2.128:5060>\n"
	"Call-ID: 1-3585@172.16.2.102\n"
	"CSeq: 1 INVITE\n"
	"Contact: sip:sipp@172.16.2.102:5060\n"
	"Max-Forwards: 70\n"
	"Subject: Performance Test\n"
	"Content-Type: application/sdp\n"
	"Content-Length:   @CL@\n"
	"\n"
	"v=0\n"
	"o=user1 53655765 2353687637 IN IP4 172.16.2.102\n"
	"s=-\n"
	"c=IN IP4 172.16.2.102\n"
	"t=0 0\n"
	"m=audio 6000 RTP/AVP 0\n"
	"a=rtpmap:0 PCMU/8000\n";

/* Seed 004: INVITE from a LAN phone */
static const char seed004[] =
	"INVITE sip:ip1@192.168.10.26:6070 SIP/2.0\n"
	"From: \"Paul_Kansas\"<sip:102@192.168.10.25>;tag=c0a80a19-13c4500ecfde\n"
	"To: <sip:ip1@192.168.10.26>\n"
	"Call-ID: 80da32c8-c0a80a19-13c4-500ecfde-2d4992d8-15a5@192.168.10.25\n"
	"CSeq: 1 INVITE\n"
	"Via: SIP/2.0/UDP 192.168.10.25:5060;branch=z9hG4bK-500ecfde-2d4992d8-2188\n"
	"Max-Forwards: 70\n"
	"Supported: 100rel,replaces\n"
	"Trunk-Dial: line=ip1; cid=19132054979\n"
	"Allow: INVITE,ACK,CANCEL,BYE,NOTIFY,REFER,OPTIONS,INFO,SUBSCRIBE,PRACK,UPDATE\n"
	"User-Agent: NK-V1.6.8.1_Xblue\n"
	"Contact: \"Paul_Kansas\" <sip:102@192.168.10.25:5060>\n"
	"Content-Type: application/sdp\n"
	"Content-Length: @CL@\n"
	"\n"
	"v=0\n"
	"o=Paul_Kansas 1343147998 1343147998 IN IP4 192.168.10.25\n"
	"s=_\n"
	"c=IN IP4 192.168.10.25\n"
	"t=0 0\n"
	"m=audio 10064 RTP/AVP 0 8 18 101\n"
	"a=rtpmap:0 PCMU/8000\n"
	"a=rtpmap:8 PCMA/8000\n"
	"a=rtpmap:18 G729/8000\n"
	"a=rtpmap:101 telephone-event/8000\n"
	"a=fmtp:101 0-15,16\n"
	"a=silenceSupp:off\n"
	"a=ptime:20\n"
	"a=sendrecv\n";

static const char seed004_expect[] =
	"INVITE sip:ip1@192.168.10.26:6070 SIP/2.0\n"
	"From: \"Paul_Kansas\"<sip:102@192.0.2.200:5062>;tag=c0a80a19-13c4500ecfde\n"
	"To: <sip:ip1@192.168.10.26>\n"
	"Call-ID: 80da32c8-c0a80a19-13c4-500ecfde-2d4992d8-15a5@192.168.10.25\n"
	"CSeq: 1 INVITE\n"
	"Via: SIP/2.0/UDP 192.0.2.200:5062;branch=z9hG4bK-500ecfde-2d4992d8-2188\n"
	"Max-Forwards: 70\n"
	"Supported: 100rel,replaces\n"
	"Trunk-Dial: line=ip1; cid=19132054979\n"
	"Allow: INVITE,ACK,CANCEL,BYE,NOTIFY,REFER,OPTIONS,INFO,SUBSCRIBE,PRACK,UPDATE\n"
	"User-Agent: NK-V1.6.8.1_Xblue\n"
	"Contact: \"Paul_Kansas\" <sip:102@192.0.2.200:5062>\n"
	"Content-Type: application/sdp\n"
	"Content-Length: @CL@\n"
	"\n"
	"v=0\n"
	"o=Paul_Kansas 1343147998 1343147998 IN IP4 192.0.2.200\n"
	"s=_\n"
	"c=IN IP4 192.0.2.200\n"
	"t=0 0\n"
	"m=audio 30064 RTP/AVP 0 8 18 101\n"
	"a=rtpmap:0 PCMU/8000\n"
	"a=rtpmap:8 PCMA/8000\n"
	"a=rtpmap:18 G729/8000\n"
	"a=rtpmap:101 telephone-event/8000\n"
	"a=fmtp:101 0-15,16\n"
	"a=silenceSupp:off\n"
	"a=ptime:20\n"
	"a=sendrecv\n";

/* RFC 3665 style flows: alice 192.168.1.10 behind the NAT, proxy 203.0.113.5 */
static const char reg1[] =
	"REGISTER sip:registrar.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bKnashds7;rport\n"
	"Max-Forwards: 70\n"
	"From: Alice <sip:alice@example.com>;tag=a73kszlfl\n"
	"To: Alice <sip:alice@example.com>\n"
	"Call-ID: 1j9FpLxk3uxtm8tn@192.168.1.10\n"
	"CSeq: 1 REGISTER\n"
	"Contact: <sip:alice@192.168.1.10>;expires=3600\n"
	"Content-Length: 0\n"
	"\n";

static const char reg401[] =
	"SIP/2.0 401 Unauthorized\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bKnashds7;received=198.51.100.7;rport=40123\n"
	"From: Alice <sip:alice@example.com>;tag=a73kszlfl\n"
	"To: Alice <sip:alice@example.com>;tag=1410948204\n"
	"Call-ID: 1j9FpLxk3uxtm8tn@192.168.1.10\n"
	"CSeq: 1 REGISTER\n"
	"WWW-Authenticate: Digest realm=\"example.com\", qop=\"auth\",\n"
	" nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\", opaque=\"\", stale=FALSE, algorithm=MD5\n"
	"Content-Length: 0\n"
	"\n";

static const char reg200[] =
	"SIP/2.0 200 OK\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bKnashd92;received=198.51.100.7;rport=40123\n"
	"From: Alice <sip:alice@example.com>;tag=ja743ks76zlflH\n"
	"To: Alice <sip:alice@example.com>;tag=37GkEhwl6\n"
	"Call-ID: 1j9FpLxk3uxtm8tn@192.168.1.10\n"
	"CSeq: 2 REGISTER\n"
	"Contact: <sip:alice@198.51.100.7:40123>;expires=3600\n"
	"Content-Length: 0\n"
	"\n";

static const char inv1[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK74bf9\n"
	"Max-Forwards: 70\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"To: Bob <sip:bob@biloxi.example.com>\n"
	"Call-ID: 3848276298220188511@192.168.1.10\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:alice@192.168.1.10;transport=udp>\n"
	"Content-Type: application/sdp\n"
	"Content-Length: @CL@\n"
	"\n" SDP_A;

static const char ringing[] =
	"SIP/2.0 180 Ringing\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK74bf9;received=198.51.100.7\n"
	"Record-Route: <sip:ss1.example.com;lr>\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
	"Call-ID: 3848276298220188511@192.168.1.10\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:bob@203.0.113.20>\n"
	"Content-Length: 0\n"
	"\n";

static const char ok200[] =
	"SIP/2.0 200 OK\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK74bf9;received=198.51.100.7\n"
	"Record-Route: <sip:ss1.example.com;lr>\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
	"Call-ID: 3848276298220188511@192.168.1.10\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:bob@203.0.113.20>\n"
	"Content-Type: application/sdp\n"
	"Content-Length: @CL@\n"
	"\n"
	"v=0\n"
	"o=bob 2890844527 2890844527 IN IP4 203.0.113.20\n"
	"s=-\n"
	"c=IN IP4 203.0.113.20\n"
	"t=0 0\n"
	"m=audio 3456 RTP/AVP 0\n"
	"a=rtpmap:0 PCMU/8000\n";

static const char ack1[] =
	"ACK sip:bob@203.0.113.20 SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK74bd5\n"
	"Route: <sip:ss1.example.com;lr>\n"
	"Max-Forwards: 70\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
	"Call-ID: 3848276298220188511@192.168.1.10\n"
	"CSeq: 1 ACK\n"
	"Content-Length: 0\n"
	"\n";

static const char bye1[] =
	"BYE sip:alice@198.51.100.7:40123 SIP/2.0\n"
	"Via: SIP/2.0/UDP 203.0.113.20:5060;branch=z9hG4bKnashds7\n"
	"Max-Forwards: 70\n"
	"Route: <sip:ss1.example.com;lr>\n"
	"From: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
	"To: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"Call-ID: 3848276298220188511@192.168.1.10\n"
	"CSeq: 1 BYE\n"
	"Content-Length: 0\n"
	"\n";

static const char bye200[] =
	"SIP/2.0 200 OK\n"
	"Via: SIP/2.0/UDP 203.0.113.20:5060;branch=z9hG4bKnashds7\n"
	"From: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
	"To: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"Call-ID: 3848276298220188511@192.168.1.10\n"
	"CSeq: 1 BYE\n"
	"Content-Length: 0\n"
	"\n";

static const char cancel1[] =
	"CANCEL sip:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK74bf9\n"
	"Max-Forwards: 70\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"To: Bob <sip:bob@biloxi.example.com>\n"
	"Call-ID: 3848276298220188511@192.168.1.10\n"
	"CSeq: 1 CANCEL\n"
	"Content-Length: 0\n"
	"\n";

static const char term487[] =
	"SIP/2.0 487 Request Terminated\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK74bf9;received=198.51.100.7\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"To: Bob <sip:bob@biloxi.example.com>;tag=314159\n"
	"Call-ID: 3848276298220188511@192.168.1.10\n"
	"CSeq: 1 INVITE\n"
	"Content-Length: 0\n"
	"\n";

static const char reinv_hold[] =
	"INVITE sip:bob@203.0.113.20 SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bK74bfa\n"
	"Max-Forwards: 70\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl\n"
	"To: Bob <sip:bob@biloxi.example.com>;tag=8321234356\n"
	"Call-ID: 3848276298220188511@192.168.1.10\n"
	"CSeq: 2 INVITE\n"
	"Contact: <sip:alice@192.168.1.10>\n"
	"Content-Type: application/sdp\n"
	"Content-Length: @CL@\n"
	"\n"
	"v=0\n"
	"o=alice 2890844526 2890844527 IN IP4 192.168.1.10\n"
	"s=-\n"
	"c=IN IP4 0.0.0.0\n"
	"t=0 0\n"
	"m=audio 49170 RTP/AVP 0\n"
	"a=sendonly\n";

static const char compact1[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	"v: SIP/2.0/UDP 192.168.1.10;branch=z9hG4bK74bf9\n"
	"f: <sip:alice@192.168.1.10>;tag=1\n"
	"t: <sip:bob@biloxi.example.com>\n"
	"i: abc@192.168.1.10\n"
	"CSeq: 1 INVITE\n"
	"m: <sip:alice@192.168.1.10>\n"
	"c: application/sdp\n"
	"l: @CL@\n"
	"\n" SDP_A;

static const char folded1[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP\n"
	"  192.168.1.10:5060\n"
	"\t;branch=z9hG4bK74bf9 ,\n"
	" SIP/2.0/UDP 10.1.1.1;branch=z9hG4bKold\n"
	"From:\n"
	" Alice <sip:alice@192.168.1.10>\n"
	" ;tag=x\n"
	"To: <sip:bob@biloxi.example.com>\n"
	"Call-ID: fold@192.168.1.10\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:alice@192.168.1.10:5070>,\n"
	"   <sip:alice@192.168.1.11:5080>\n"
	"Content-Length: 0\n"
	"\n";

static const char multipart1[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bKmp\n"
	"From: <sip:alice@192.168.1.10>;tag=1\n"
	"To: <sip:bob@biloxi.example.com>\n"
	"Call-ID: mp@192.168.1.10\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:alice@192.168.1.10>\n"
	"Content-Type: multipart/mixed;boundary=\"unique-boundary-1\"\n"
	"Content-Length: @CL@\n"
	"\n"
	"--unique-boundary-1\n"
	"Content-Type: application/isup;version=nxv3\n"
	"\n"
	"opaque isup 192.168.1.10\n"
	"--unique-boundary-1\n"
	"Content-Type: application/sdp\n"
	"\n"
	"v=0\n"
	"o=alice 1 1 IN IP4 192.168.1.10\n"
	"s=-\n"
	"c=IN IP4 192.168.1.10\n"
	"t=0 0\n"
	"m=audio 49170 RTP/AVP 0\n"
	"a=candidate:1 1 UDP 2130706431 192.168.1.10 49170 typ host\n"
	"\n"
	"--unique-boundary-1--\n";

static const char ipv6inv[] =
	"INVITE sip:bob@[2001:db8::20]:5060 SIP/2.0\n"
	"Via: SIP/2.0/UDP [fd00::10]:5060;branch=z9hG4bK6\n"
	"From: <sip:alice@[fd00::10]>;tag=6\n"
	"To: <sip:bob@[2001:db8::20]>\n"
	"Call-ID: v6@[fd00::10]\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:alice@[fd00::10]:5060>\n"
	"Content-Type: application/sdp\n"
	"Content-Length: @CL@\n"
	"\n"
	"v=0\n"
	"o=alice 1 1 IN IP6 fd00::10\n"
	"s=-\n"
	"c=IN IP6 fd00::10\n"
	"t=0 0\n"
	"m=audio 49170 RTP/AVP 0\n"
	"a=rtcp:49171 IN IP6 fd00::10\n";

static const char torture1[] =
	"INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\n"
	"TO :\n"
	" sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\n"
	"from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\n"
	"  ;\n"
	"  tag = 98asjd8\n"
	"MaX-fOrWaRdS: 0068\n"
	"Call-ID: wsinv.ndaksdj@192.0.2.1\n"
	"Content-Length   : 0\n"
	"cseq: 0009\n"
	"  INVITE\n"
	"Via  : SIP  /   2.0\n"
	" /UDP\n"
	"    192.0.2.2;rport;branch=390skdjuw\n"
	"s :\n"
	"NewFangledHeader:   newfangled value\n"
	" continued newfangled value\n"
	"UnknownHeaderWithUnusualValue: ;;,,;;,;\n"
	"Route:\n"
	" <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\n"
	"v:  SIP  / 2.0  / TCP     spindle.example.com   ;\n"
	"  branch  =   z9hG4bK9ikj8  ,\n"
	" SIP  /    2.0   / UDP  192.168.255.111   ; branch=\n"
	" z9hG4bK30239\n"
	"m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\n"
	"      newvalue ;\n"
	"  secondparam ; q = 0.33\n"
	"\n";

static const char escaped1[] =
	"INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0\n"
	"To: sip:%75se%72@example.com\n"
	"From: <sip:I%20have%20spaces@192.168.1.10>;tag=938\n"
	"Max-Forwards: 87\n"
	"i: esc01.239409asdfakjkn23onasd0-3234\n"
	"CSeq: 234234 INVITE\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bKkdjuw\n"
	"C: application/sdp\n"
	"Contact:\n"
	"  <sip:cal%6Cer@192.168.1.10:5060;%6C%72;n%61me=v%61lue%25%34%31>\n"
	"Content-Length: 0\n"
	"\n";

static const char options1[] =
	"OPTIONS sip:carol@chicago.example.com SIP/2.0\n"
	"Via: SIP/2.0/UDP 192.168.1.10;branch=z9hG4bKhjhs8ass877\n"
	"Max-Forwards: 70\n"
	"To: <sip:carol@chicago.example.com>\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\n"
	"Call-ID: a84b4c76e66710\n"
	"CSeq: 63104 OPTIONS\n"
	"Contact: <sip:alice@192.168.1.10>\n"
	"Accept: application/sdp\n"
	"Content-Length: 0\n"
	"\n";

static const char rr_out_req[] =
	"INVITE sip:bob@203.0.113.20 SIP/2.0\n"
	"Record-Route: <sip:192.168.1.1;lr>\n"
	"Via: SIP/2.0/UDP 192.168.1.1;branch=z9hG4bKpx1\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bKua1\n"
	"Route: <sip:192.168.1.2;lr>\n"
	"From: <sip:alice@192.168.1.10>;tag=1\n"
	"To: <sip:bob@203.0.113.20>\n"
	"Call-ID: rr@192.168.1.1\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:alice@192.168.1.10>\n"
	"Content-Length: 0\n"
	"\n";

static const char rr_out_req_expect[] =
	"INVITE sip:bob@203.0.113.20 SIP/2.0\n"
	"Record-Route: <sip:198.51.100.1;lr>\n"
	"Via: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKpx1\n"
	"Via: SIP/2.0/UDP 192.168.1.10:5060;branch=z9hG4bKua1\n"
	"Route: <sip:198.51.100.2;lr>\n"
	"From: <sip:alice@198.51.100.10>;tag=1\n"
	"To: <sip:bob@203.0.113.20>\n"
	"Call-ID: rr@192.168.1.1\n"
	"CSeq: 1 INVITE\n"
	"Contact: <sip:alice@198.51.100.10>\n"
	"Content-Length: 0\n"
	"\n";

#endif
