#!/bin/sh
# Start a PulseAudio daemon with a null sink `pmc_null` whose monitor is the default source,
# so the audio tests can play a file into the sink and record it back through PortAudio
# (ALSA's pulse plugin: PortAudio devices "pulse" / "default").
#
# Safe to run as root, with no stdin, without dbus/udev/systemd (CI containers), and more
# than once: a running daemon is reused and the sink is only loaded when missing.
# Prints the name of the default source (pmc_null.monitor) on success.
set -eu

SINK=pmc_null
LOG=${PMC_PULSE_LOG:-/tmp/pmc-pulse.log}

for tool in pulseaudio pactl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "start_pulse.sh: $tool not found; apt-get install pulseaudio pulseaudio-utils" >&2
        exit 1
    fi
done

if ! pactl info >/dev/null 2>&1 </dev/null; then
    # -n: skip default.pa, which loads udev/dbus/systemd modules a container does not have;
    # load only the native socket. Realtime/high priority would ask rtkit over dbus.
    # As root PulseAudio warns "not intended to be run as root" but works in per-user mode.
    pulseaudio --daemonize=yes --system=false -n --exit-idle-time=-1 \
        --realtime=no --high-priority=no --log-target="file:$LOG" \
        -L module-native-protocol-unix </dev/null >/dev/null 2>&1 || true
    tries=0
    until pactl info >/dev/null 2>&1 </dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -ge 50 ]; then
            echo "start_pulse.sh: PulseAudio did not start; see $LOG" >&2
            tail -n 20 "$LOG" >&2 2>/dev/null || true
            exit 1
        fi
        sleep 0.1
    done
fi

if ! pactl list short sinks </dev/null | cut -f2 | grep -qx "$SINK"; then
    pactl load-module module-null-sink sink_name="$SINK" \
        sink_properties=device.description=pmc_null </dev/null >/dev/null
fi
pactl set-default-sink "$SINK" </dev/null
pactl set-default-source "$SINK.monitor" </dev/null

# `pactl info` rather than `pactl get-default-source`, which PulseAudio < 15 lacks.
source=$(pactl info </dev/null 2>/dev/null | sed -n 's/^Default Source: //p')
if [ "$source" != "$SINK.monitor" ]; then
    echo "start_pulse.sh: default source is '$source', expected $SINK.monitor" >&2
    exit 1
fi
echo "$source"
