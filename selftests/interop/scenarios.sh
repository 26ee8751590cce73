# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The interop scenarios (issue 14), each a function that runs on a fresh
# topology with kamailio up (interop_scenario sets both up) and returns
# non-zero when a call failed, after a "FAIL: why" line. sipp plays the
# phones and the public user agent (selftests/interop/sipp/), baresip a
# phone of its own. Every call sends real RTP both ways, and each end's
# received packets are counted (lib.sh).
#
#   sc_outbound FAM PROTO   phone -> kamailio -> peer, the phone hangs up
#   sc_inbound FAM          peer -> kamailio -> registered phone, the peer hangs up
#   sc_hairpin FAM          phone -> kamailio -> phone2 behind the same router
#   sc_calls50 FAM          50 concurrent calls, phone -> peer, then nothing left
#   sc_reregister FAM       registrations refreshed, an inbound call after each
#   sc_hold FAM UA          baresip or linphonec (UA) calls sipp, holds and
#                           resumes the call
#   sc_transfer FAM UA      sipp calls baresip or linphonec (UA), then REFERs
#                           it to another sipp
#   sc_baresip_out FAM      baresip (phone) registers and calls sipp (peer)
#   sc_linphone_out FAM     the same with linphonec
#   sc_linphone_in FAM      sipp (peer) calls linphonec (phone) through kamailio
#   sc_baresip_in FAM [PROTO]  sipp (peer) calls baresip (phone) through kamailio;
#                           over TCP, kamailio reaches it over the connection
#                           baresip registered on
#
# Sourced after lib.sh; WORK is the scenario's directory (logs, audio).

# 2 s of PCMU (100 packets) that sipp sends once per call (rtp_stream of
# the sipp scenarios, found in sipp's working directory).
RTP_PACKETS=100
CALLS50_SECONDS=${CALLS50_SECONDS:-30}
REREG_ROUNDS=${REREG_ROUNDS:-6}
REREG_INTERVAL=${REREG_INTERVAL:-30}
SIPALGCTL=$SELFTESTS/../tools/sipalgctl/sipalgctl

# Addresses of one family: sipp's -i takes them bare, URIs and sipp's
# remote address want IPv6 in brackets.
interop_family() {
	if [ "$1" = 4 ]; then
		P1=$PHONE4 P2=$PHONE2_4 PEER=$PEER4
		KAMU=$SERVER4 PEERU=$PEER4
	else
		P1=$PHONE6 P2=$PHONE2_6 PEER=$PEER6
		KAMU="[$SERVER6]" PEERU="[$PEER6]"
	fi
}

# ua NAME NS SCENARIO SIPP-ARGS...: sipp in NS, in the background, in WORK;
# its pid in UA_PID, its output and messages in WORK/NAME.{out,msg}. It
# gives up after UA_TIMEOUT seconds (default 20), from its start.
ua() {
	local name=$1 ns=$2 sf=$3
	shift 3
	(cd "$WORK" && exec ip netns exec "$ns" sipp -sf "$INTEROP/sipp/$sf.xml" -nostdin \
		-timeout "${UA_TIMEOUT:-20}s" -timeout_error -trace_msg -message_file "$WORK/$name.msg" \
		"$@" >"$WORK/$name.out" 2>&1) &
	UA_PID=$!
	TOPO_PIDS="$TOPO_PIDS $UA_PID"
}

# ua_done NAME PID: the sipp NAME completed all its calls.
ua_done() {
	local rc=0
	wait "$2" || rc=$?
	ua_result "$1" "$rc"
}

# ua_result NAME STATUS: report sipp NAME's exit status.
ua_result() {
	if [ "$2" = 0 ]; then
		echo "ok: $1 completed its calls"
		return 0
	fi
	tail -n 25 "$WORK/$1.out"
	echo "FAIL: $1 (sipp) had failed calls: $(ua_failed "$1")"
	return 1
}

# Why sipp failed a call: the first message it did not expect, or the
# count of failed calls of its last statistics screen.
ua_failed() {
	local why
	why=$(grep -m 1 -o "while expecting.*received '.*" "$WORK/$1.out" | tr -d '\r' | cut -c 1-160)
	[ -n "$why" ] || why=$(grep 'Failed call' "$WORK/$1.out" | tail -n 1 | tr -s ' |' ' ')
	echo "$why"
}

# ua_listening NS ADDR: a sipp UAS is up on ADDR's SIP port (UDP).
ua_listening() {
	ip netns exec "$1" ss -Hlun "sport = :$SIP_PORT" | grep -qF "$2"
}

# register NAME NS ADDR USER PROTO EXPIRES: one REGISTER, 200 wanted.
register() {
	local t=u1
	[ "$5" = udp ] || t=t1
	ua "$1" "$2" register -i "$3" -p "$SIP_PORT" -t "$t" -s "$4" -key expires "$6" -m 1 \
		"$KAMU:$SIP_PORT"
	ua_done "$1" "$UA_PID"
}

# uas NAME NS ADDR USER MEDIA-PORT CALLS: the called side, in the background.
uas() {
	ua "$1" "$2" uas -i "$3" -p "$SIP_PORT" -t u1 -s "$4" -mp "$5" -m "$6"
	TOPO_POLL=0.3 topo_wait 10 ua_listening "$2" "$3" || { echo "FAIL: sipp $1 did not start"; return 1; }
}

# uac NAME NS ADDR PROTO CALLER CALLEE TARGET MEDIA-PORT CALLS [SIPP-ARGS]:
# the caller, through kamailio, in the background.
uac() {
	local name=$1 ns=$2 addr=$3 t=u1 caller=$5 callee=$6 target=$7 mp=$8 n=$9
	[ "$4" = udp ] || t=t1
	shift 9
	ua "$name" "$ns" uac -i "$addr" -p "$SIP_PORT" -t "$t" -s "$callee" -key caller "$caller" \
		-key target "$target" -mp "$mp" -m "$n" -d 3000 "$@" "$KAMU:$SIP_PORT"
}

sc_outbound() { # FAM PROTO
	local ok=0 uas_pid
	interop_family "$1"
	uas peer "$SERVER_NS" "$PEER" peer 20000 1 || return 1
	uas_pid=$UA_PID
	register reg "$PHONE_NS" "$P1" phone1 "$2" 60 || return 1
	uac phone "$PHONE_NS" "$P1" "$2" phone1 peer "$PEERU" 10000 1
	ua_done phone "$UA_PID" || ok=1
	ua_done peer "$uas_pid" || ok=1
	interop_rtp_at_least "$PHONE_NS" $((RTP_PACKETS * 9 / 10)) phone || ok=1
	interop_rtp_at_least "$SERVER_NS" $((RTP_PACKETS * 9 / 10)) peer || ok=1
	return $ok
}

sc_inbound() { # FAM
	local ok=0 uas_pid
	interop_family "$1"
	register reg "$PHONE_NS" "$P1" phone1 udp 60 || return 1
	uas phone "$PHONE_NS" "$P1" phone1 10000 1 || return 1
	uas_pid=$UA_PID
	uac peer "$SERVER_NS" "$PEER" udp peer phone1 "$KAMU" 20000 1
	ua_done peer "$UA_PID" || ok=1
	ua_done phone "$uas_pid" || ok=1
	interop_rtp_at_least "$PHONE_NS" $((RTP_PACKETS * 9 / 10)) phone || ok=1
	interop_rtp_at_least "$SERVER_NS" $((RTP_PACKETS * 9 / 10)) peer || ok=1
	return $ok
}

sc_hairpin() { # FAM
	local ok=0 uas_pid rc1=0 rc2=0 answer own uri=''
	interop_family "$1"
	register reg2 "$PHONE2_NS" "$P2" phone2 udp 60 || return 1
	uas phone2 "$PHONE2_NS" "$P2" phone2 30000 1 || return 1
	uas_pid=$UA_PID
	uac phone "$PHONE_NS" "$P1" udp phone1 phone2 "$KAMU" 10000 1
	wait "$UA_PID" || rc1=$?
	wait "$uas_pid" || rc2=$?
	# Both phones share the router's public address: phone2's Contact and
	# SDP, which name it, must not reach phone as phone's own address.
	answer=$(python3 -S "$SIPTOOL" extract "$WORK/phone.msg" received "SIP/2.0 200" 2>/dev/null) || true
	own=${P1//./\\.}
	[ "$1" = 4 ] || uri="\\[$own\\]"
	if grep -qE "^Contact: <sip:phone2@${uri:-$own}[:;>]|^c=IN IP$1 $own\s*$" <<<"$answer"; then
		echo "FAIL: phone2's Contact and SDP reached phone as phone's own address $P1"
		grep -E "^(Contact|c=)" <<<"$answer"
		ok=1
	fi
	ua_result phone "$rc1" || ok=1
	ua_result phone2 "$rc2" || ok=1
	interop_rtp_at_least "$PHONE_NS" $((RTP_PACKETS * 9 / 10)) phone || ok=1
	interop_rtp_at_least "$PHONE2_NS" $((RTP_PACKETS * 9 / 10)) phone2 || ok=1
	return $ok
}

# Nothing of the calls is left on the router once the grace is over: no
# expectation, and (ours) no call in sipalgctl's view.
router_clean() {
	[ -z "$(in_router conntrack -L expect 2>/dev/null)" ] || return 1
	[ "$INTEROP_HELPER" != ours ] || [ "$("$SIPALGCTL" -j -n "$ROUTER_NS" show calls)" = "[]" ]
}

sc_calls50() { # FAM
	local ok=0 uas_pid n=50
	interop_family "$1"
	UA_TIMEOUT=$((CALLS50_SECONDS + 60)) uas peer "$SERVER_NS" "$PEER" peer 20000 $n || return 1
	uas_pid=$UA_PID
	UA_TIMEOUT=$((CALLS50_SECONDS + 60)) uac phone "$PHONE_NS" "$P1" udp phone1 peer "$PEERU" 10000 $n \
		-l $n -r 10 -d $((CALLS50_SECONDS * 1000))
	ua_done phone "$UA_PID" || ok=1
	ua_done peer "$uas_pid" || ok=1
	interop_rtp_at_least "$PHONE_NS" $((n * RTP_PACKETS * 9 / 10)) phone || ok=1
	interop_rtp_at_least "$SERVER_NS" $((n * RTP_PACKETS * 9 / 10)) peer || ok=1
	# The grace after BYE (1 s) and a GC pass, with slack for TCG.
	if topo_wait 10 router_clean; then
		echo "ok: no expectation and no call left after the grace"
	else
		in_router conntrack -L expect 2>/dev/null | head -n 5
		[ "$INTEROP_HELPER" != ours ] || "$SIPALGCTL" -n "$ROUTER_NS" show calls | head -n 20
		echo "FAIL: calls or expectations left after the calls ended"
		ok=1
	fi
	return $ok
}

sc_reregister() { # FAM
	local ok=0 round uas_pid next
	interop_family "$1"
	for round in $(seq "$REREG_ROUNDS"); do
		next=$((SECONDS + REREG_INTERVAL))
		echo "# round $round: register (Expires $((REREG_INTERVAL + 5))), then a call in"
		register "reg$round" "$PHONE_NS" "$P1" phone1 udp $((REREG_INTERVAL + 5)) || return 1
		uas "phone$round" "$PHONE_NS" "$P1" phone1 10000 1 || return 1
		uas_pid=$UA_PID
		uac "peer$round" "$SERVER_NS" "$PEER" udp peer phone1 "$KAMU" 20000 1
		ua_done "peer$round" "$UA_PID" || ok=1
		ua_done "phone$round" "$uas_pid" || ok=1
		[ "$ok" = 0 ] || return 1
		[ "$round" = "$REREG_ROUNDS" ] || sleep $((next > SECONDS ? next - SECONDS : 0))
	done
	interop_rtp_at_least "$PHONE_NS" $((REREG_ROUNDS * RTP_PACKETS * 9 / 10)) phone || ok=1
	interop_rtp_at_least "$SERVER_NS" $((REREG_ROUNDS * RTP_PACKETS * 9 / 10)) peer || ok=1
	return $ok
}

# baresip as a phone: an 8 kHz tone from a file as its microphone, no
# speaker, its commands from a pipe (BARESIP_FD), on the RTP ports counted.
BARESIP_PID='' BARESIP_FD=''
# baresip_tone FILE: 20 s of a 440 Hz tone, 8 kHz mono; a copy of
# INTEROP_OUT/tone.wav when run.sh made it (Python is slow in the VM).
baresip_tone() {
	if [ -s "${INTEROP_OUT:-}/tone.wav" ]; then
		cp "$INTEROP_OUT/tone.wav" "$1"
		return
	fi
	python3 -S - "$1" <<-'PY'
		import math, struct, sys, wave
		w = wave.open(sys.argv[1], "wb")
		w.setnchannels(1)
		w.setsampwidth(2)
		w.setframerate(8000)
		w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i * 2 * math.pi * 440 / 8000)))
		                       for i in range(8000 * 20)))
	PY
}
baresip_start() { # NS ADDR USER [PROTO]
	local dir=$WORK/baresip listen=$2 fifo transport=''
	[ "${4:-udp}" = udp ] || transport=";transport=$4"
	[ "${2#*:}" = "$2" ] || listen="[$2]"
	mkdir -p "$dir"
	baresip_tone "$dir/tone.wav"
	cat >"$dir/config" <<-EOF
		poll_method epoll
		sip_listen $listen:$SIP_PORT
		audio_source aufile,$dir/tone.wav
		audio_alert aufile,/dev/null
		rtp_ports 40000-40999
		module_path /usr/lib/baresip/modules
		module stdio.so
		module g711.so
		module aufile.so
		module_app account.so
		module_app menu.so
	EOF
	echo "<sip:$3@$KAMU$transport>;regint=60;answermode=auto;audio_codecs=PCMU" >"$dir/accounts"
	# A pipe on the guest's tmpfs: one on 9p (the results) is no pipe to epoll.
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	ip netns exec "$1" baresip -f "$dir" <"$fifo" >"$WORK/baresip.out" 2>&1 &
	BARESIP_PID=$!
	TOPO_PIDS="$TOPO_PIDS $BARESIP_PID"
	exec {BARESIP_FD}>"$fifo"
	rm "$fifo"
	topo_wait 20 grep -q '200 OK' "$WORK/baresip.out" ||
		{ tail -n 20 "$WORK/baresip.out"; echo "FAIL: baresip did not register"; return 1; }
	echo "ok: baresip registered"
}

baresip_cmd() { echo "$1" >&"$BARESIP_FD"; }

baresip_stop() {
	baresip_cmd /quit
	exec {BARESIP_FD}>&-
	wait "$BARESIP_PID" 2>/dev/null || true
}

sc_baresip_out() { # FAM
	local ok=0 uas_pid
	interop_family "$1"
	baresip_start "$PHONE_NS" "$P1" phone1 || return 1
	UA_TIMEOUT=40 uas peer "$SERVER_NS" "$PEER" peer 20000 1 || return 1
	uas_pid=$UA_PID
	baresip_cmd "/dial sip:peer@$PEERU"
	topo_wait 20 grep -q 'Call established' "$WORK/baresip.out" || { echo "FAIL: baresip's call was not answered"; ok=1; }
	# Talk past the 2 s sipp sends, then baresip hangs up.
	sleep 4
	baresip_cmd /hangup
	ua_done peer "$uas_pid" || ok=1
	baresip_stop
	interop_rtp_at_least "$PHONE_NS" $((RTP_PACKETS * 9 / 10)) baresip || ok=1
	interop_rtp_at_least "$SERVER_NS" $((RTP_PACKETS * 9 / 10)) peer || ok=1
	[ "$ok" = 0 ] || tail -n 30 "$WORK/baresip.out"
	return $ok
}

sc_baresip_in() { # FAM [PROTO]
	local ok=0
	interop_family "$1"
	baresip_start "$PHONE_NS" "$P1" phone1 "${2:-udp}" || return 1
	uac peer "$SERVER_NS" "$PEER" udp peer phone1 "$KAMU" 20000 1
	ua_done peer "$UA_PID" || ok=1
	grep -q 'Call established' "$WORK/baresip.out" || { echo "FAIL: baresip did not answer"; ok=1; }
	baresip_stop
	interop_rtp_at_least "$PHONE_NS" $((RTP_PACKETS * 9 / 10)) baresip || ok=1
	interop_rtp_at_least "$SERVER_NS" $((RTP_PACKETS * 9 / 10)) peer || ok=1
	[ "$ok" = 0 ] || tail -n 30 "$WORK/baresip.out"
	return $ok
}

# The ACKs sipp NAME received, each CSeq once (an ACK comes again for a
# 200 sent again): the calls and re-INVITEs it saw completed.
acks_at_least() { # NAME N
	[ "$(grep -so '^CSeq: *[0-9]* ACK' "$WORK/$1.msg" | sort -u | wc -l)" -ge "$2" ]
}

# A phone (baresip or linphonec) calls the peer, puts the call on hold
# from its menu (a re-INVITE a=sendonly), resumes it (a=sendrecv): the
# audio must flow again both ways. The peer (uas-hold.xml) sends
# audio.ulaw once after the call's ACK and once after the resume's, so the
# phone must receive more than one file's worth; the phone sends all
# along, and the peer counts what arrives in the 3 s after the resume.
sc_hold() { # FAM baresip|linphone
	local ok=0 uas_pid n up dial hold resume hangup
	interop_family "$1"
	if [ "$2" = baresip ]; then
		up='Call established' dial=/dial hold=/hold resume=/resume hangup=/hangup
	else
		up='connected' dial=call hold=pause resume=resume hangup=terminate
	fi
	"$2_start" "$PHONE_NS" "$P1" phone1 || return 1
	UA_TIMEOUT=60 ua peer "$SERVER_NS" uas-hold -i "$PEER" -p "$SIP_PORT" -t u1 -s peer -mp 20000 -m 1
	uas_pid=$UA_PID
	TOPO_POLL=0.3 topo_wait 10 ua_listening "$SERVER_NS" "$PEER" || { echo "FAIL: sipp peer did not start"; return 1; }
	"$2_cmd" "$dial sip:peer@$PEERU"
	topo_wait 20 grep -q "$up" "$WORK/$2.out" || { echo "FAIL: $2's call was not answered"; ok=1; }
	sleep 3
	"$2_cmd" "$hold"
	topo_wait 10 acks_at_least peer 2 || { echo "FAIL: the hold (re-INVITE) did not complete"; ok=1; }
	sleep 1
	"$2_cmd" "$resume"
	topo_wait 10 acks_at_least peer 3 || { echo "FAIL: the resume (re-INVITE) did not complete"; ok=1; }
	n=$(interop_rtp "$SERVER_NS")
	sleep 3
	"$2_cmd" "$hangup"
	ua_done peer "$uas_pid" || ok=1
	"$2_stop"
	n=$(($(interop_rtp "$SERVER_NS") - n))
	echo "RTP received by peer in the 3 s after the resume: $n packets (want at least 90)"
	[ "$n" -ge 90 ] || { echo "FAIL: peer received $n RTP packets after the resume, not at least 90$(interop_media_refused)"; ok=1; }
	interop_rtp_at_least "$PHONE_NS" $((RTP_PACKETS + RTP_PACKETS * 8 / 10)) "$2 (before the hold and after the resume)" || ok=1
	[ "$ok" = 0 ] || tail -n 30 "$WORK/$2.out"
	return $ok
}

# linphonec (linphone-cli) as a phone, like baresip: registered at
# kamailio over UDP, the same tone from a file as its microphone
# ("soundcard use files", no soundcard in the VM), auto-answer, its
# commands from a pipe. It opens no SIP socket, and says nothing about it
# below -d 6, until the directory of its databases,
# $HOME/.local/share/linphone, exists: HOME is its own.
LINPHONE_PID='' LINPHONE_FD=''
linphone_start() { # NS ADDR USER
	local dir=$WORK/linphone fifo
	mkdir -p "$dir/.local/share/linphone"
	baresip_tone "$dir/tone.wav"
	cat >"$dir/linphonerc" <<-EOF
		[sip]
		sip_port=$SIP_PORT
		sip_tcp_port=0
		sip_tls_port=0
		default_proxy=0
		[rtp]
		audio_rtp_port=40000-40999
		[net]
		firewall_policy=0
		[sound]
		echocancellation=0
		[proxy_0]
		reg_proxy=<sip:$KAMU>
		reg_identity=sip:$3@$KAMU
		reg_expires=60
		reg_sendregister=1
		publish=0
	EOF
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	HOME=$dir ip netns exec "$1" linphonec -c "$dir/linphonerc" -d 4 -l "$WORK/linphone.log" \
		<"$fifo" >"$WORK/linphone.out" 2>&1 &
	LINPHONE_PID=$!
	TOPO_PIDS="$TOPO_PIDS $LINPHONE_PID"
	exec {LINPHONE_FD}>"$fifo"
	rm "$fifo"
	linphone_cmd "soundcard use files"
	linphone_cmd "play $dir/tone.wav"
	linphone_cmd "autoanswer enable"
	topo_wait 20 grep -qs 'to \[LinphoneRegistrationOk\]' "$WORK/linphone.log" ||
		{ tail -n 20 "$WORK/linphone.out"; echo "FAIL: linphonec did not register"; return 1; }
	echo "ok: linphonec registered"
}

linphone_cmd() { echo "$1" >&"$LINPHONE_FD"; }

linphone_stop() {
	linphone_cmd quit
	exec {LINPHONE_FD}>&-
	wait "$LINPHONE_PID" 2>/dev/null || true
}

sc_linphone_out() { # FAM
	local ok=0 uas_pid
	interop_family "$1"
	linphone_start "$PHONE_NS" "$P1" phone1 || return 1
	UA_TIMEOUT=40 uas peer "$SERVER_NS" "$PEER" peer 20000 1 || return 1
	uas_pid=$UA_PID
	linphone_cmd "call sip:peer@$PEERU"
	topo_wait 20 grep -q 'connected' "$WORK/linphone.out" || { echo "FAIL: linphonec's call was not answered"; ok=1; }
	sleep 4
	linphone_cmd terminate
	ua_done peer "$uas_pid" || ok=1
	linphone_stop
	interop_rtp_at_least "$PHONE_NS" $((RTP_PACKETS * 9 / 10)) linphonec || ok=1
	interop_rtp_at_least "$SERVER_NS" $((RTP_PACKETS * 9 / 10)) peer || ok=1
	[ "$ok" = 0 ] || tail -n 30 "$WORK/linphone.out"
	return $ok
}

sc_linphone_in() { # FAM
	local ok=0
	interop_family "$1"
	linphone_start "$PHONE_NS" "$P1" phone1 || return 1
	uac peer "$SERVER_NS" "$PEER" udp peer phone1 "$KAMU" 20000 1
	ua_done peer "$UA_PID" || ok=1
	linphone_stop
	interop_rtp_at_least "$PHONE_NS" $((RTP_PACKETS * 9 / 10)) linphonec || ok=1
	interop_rtp_at_least "$SERVER_NS" $((RTP_PACKETS * 9 / 10)) peer || ok=1
	[ "$ok" = 0 ] || tail -n 30 "$WORK/linphone.out"
	return $ok
}

# A blind transfer from outside: the peer calls the phone (baresip or
# linphonec, UA) through kamailio and REFERs it to "target", another user agent outside,
# registered at kamailio (a sipp UAS on the peer's address, port
# TARGET_PORT, its media on 30000 and counted apart); the phone calls the
# target through kamailio, the peer hangs up once the phone's NOTIFY says
# the transfer succeeded. Audio must reach the target and the phone.
TARGET_PORT=5070
sc_transfer() { # FAM baresip|linphone
	local ok=0 peer_pid target_pid n hangup=/hangup
	interop_family "$1"
	[ "$2" = baresip ] || hangup=terminate
	in_server nft add counter inet interop_rtp target
	in_server nft add rule inet interop_rtp input iifname eth0 udp dport 30000-30999 @th,64,2 2 counter name target
	# The phone first: linphonec takes its time to start in a busy VM.
	"$2_start" "$PHONE_NS" "$P1" phone1 || return 1
	ua treg "$SERVER_NS" register -i "$PEER" -p "$TARGET_PORT" -t u1 -s target -key expires 60 -m 1 \
		"$KAMU:$SIP_PORT"
	ua_done treg "$UA_PID" || return 1
	UA_TIMEOUT=60 ua target "$SERVER_NS" uas -i "$PEER" -p "$TARGET_PORT" -t u1 -s target -mp 30000 -m 1
	target_pid=$UA_PID
	UA_TIMEOUT=60 ua peer "$SERVER_NS" uac-refer -i "$PEER" -p "$SIP_PORT" -t u1 -s phone1 -key caller peer \
		-key target "$KAMU" -key referto "sip:target@$KAMU" -mp 20000 -m 1 -d 3000 "$KAMU:$SIP_PORT"
	peer_pid=$UA_PID
	ua_done peer "$peer_pid" || ok=1
	topo_wait 10 acks_at_least target 1 || { echo "FAIL: $2's call to the target was not set up"; ok=1; }
	sleep 3
	"$2_cmd" "$hangup"
	ua_done target "$target_pid" || ok=1
	"$2_stop"
	n=$(ip netns exec "$SERVER_NS" nft list counter inet interop_rtp target | sed -n 's/.*packets \([0-9]*\).*/\1/p')
	echo "RTP received by the target: $n packets (want at least 90)"
	[ "$n" -ge 90 ] || { echo "FAIL: the target received $n RTP packets, not at least 90$(interop_media_refused)"; ok=1; }
	interop_rtp_at_least "$PHONE_NS" $((2 * RTP_PACKETS * 9 / 10)) "$2 (from the peer, then the target)" || ok=1
	[ "$ok" = 0 ] || tail -n 30 "$WORK/$2.out"
	return $ok
}

# interop_scenario NAME FUNCTION ARGS...: a fresh topology, the helper,
# kamailio, the scenario; its output in WORK/../NAME.log and on stdout.
# Sets SCENARIO_WHY to the scenario's first FAIL line when it failed, and
# SCENARIO_TIME to its seconds, for the caller's report.
# shellcheck disable=SC2034
interop_scenario() {
	local name=$1 rc=0 start=$SECONDS
	shift
	WORK=$INTEROP_OUT/$INTEROP_HELPER/$name
	rm -rf "$WORK"
	mkdir -p "$WORK"
	head -c $((RTP_PACKETS * 160)) /dev/zero | tr '\0' '\377' >"$WORK/audio.ulaw"
	{
		echo "# $name with the $INTEROP_HELPER helper"
		interop_topology
		interop_attach_helper
		interop_kamailio_start "$WORK/kamailio.log" && "$@" || rc=$?
		[ "$rc" = 0 ] || router_dump
		interop_kamailio_stop
		interop_teardown
	} >"$WORK/../$name.log" 2>&1 || rc=$?
	SCENARIO_WHY=$(sed -n 's/^FAIL: //p' "$WORK/../$name.log" | head -n 1)
	SCENARIO_TIME=$((SECONDS - start))
	return $rc
}

router_dump() {
	echo "# router: /proc/net/stat/nf_sip_alg, non-zero counters"
	in_router cat /proc/net/stat/nf_sip_alg 2>/dev/null | grep -v ' 0$' || true
	echo "# router: conntrack -L expect"
	in_router conntrack -L expect 2>/dev/null || true
	echo "# router: conntrack -L"
	in_router conntrack -L 2>/dev/null | head -n 40 || true
	echo "# kamailio"
	tail -n 30 "$WORK/kamailio.log"
}
