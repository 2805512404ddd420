#!/usr/bin/python3
"""Simulated IP camera: an RTSP server that serves one H.264 video file.

Run it with Debian's /usr/bin/python3 (it needs python3-gi and the GStreamer
RTSP server; see tools/install-system-deps.sh).

The H.264 stream is passed through without re-encoding and paced in real time by
the server's clock. Every client gets its own pipeline that starts at the
beginning of the file (the media is not shared): a client that is killed and
reconnects at once gets a keyframe immediately, which our clips need because
they have a single keyframe per loop. Make a long file first (see
tools/make-loop-video.sh); at the end of the file the server ends the session and
a client that reconnects starts again from the beginning.

Prints "ready rtsp://127.0.0.1:PORT/PATH" on stdout once it listens, and exits
with status 0 on SIGTERM or SIGINT (status 1 when the port is taken).

Frozen with SIGSTOP, it stops sending; after SIGCONT every open stream sends the
frames it owes since the freeze in a burst (faster than real time) and then goes
on at the normal pace, as some real cameras do after a stall.
"""

import argparse
import os
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

DEMUXERS = {
    ".mkv": "matroskademux",
    ".webm": "matroskademux",
    ".mp4": "qtdemux",
    ".m4v": "qtdemux",
    ".mov": "qtdemux",
    ".ts": "tsdemux",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="TCP port to listen on (127.0.0.1)")
    parser.add_argument("--path", default="/stream", help="mount path, default /stream")
    parser.add_argument("--file", required=True, help="H.264 video file (.mkv, .mp4 or .ts)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind, default 127.0.0.1")
    parser.add_argument("--user", help="require RTSP authentication with this user")
    parser.add_argument("--password", help="password for --user")
    parser.add_argument(
        "--auth",
        choices=("basic", "digest"),
        default="digest",
        help="authentication method required when --user is set, default digest",
    )
    args = parser.parse_args()

    if not args.path.startswith("/"):
        args.path = "/" + args.path
    if not os.path.isfile(args.file):
        parser.error("no such file: " + args.file)
    if (args.user is None) != (args.password is None):
        parser.error("--user and --password go together")
    return args


def launch_line(file_path):
    extension = os.path.splitext(file_path)[1].lower()
    # parsebin picks the demuxer itself for containers we did not list.
    demuxer = DEMUXERS.get(extension, "parsebin")
    location = file_path.replace("\\", "\\\\").replace('"', '\\"')
    return (
        '( filesrc location="%s" ! %s ! h264parse ! '
        "rtph264pay pt=96 name=pay0 config-interval=1 )" % (location, demuxer)
    )


def add_authentication(server, factory, args):
    # PyGObject cannot OR the two method values together, so one method is offered.
    auth = GstRtspServer.RTSPAuth()
    if args.auth == "basic":
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
    else:
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)

    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "camera-user")
    if args.auth == "basic":
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
    else:
        auth.add_digest(args.user, args.password, token)
    server.set_auth(auth)

    permissions = GstRtspServer.RTSPPermissions()
    for permission in (
        GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS,
        GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT,
    ):
        permissions.add_permission_for_role("camera-user", permission, True)
    factory.set_permissions(permissions)


def main():
    args = parse_args()
    Gst.init(None)

    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(launch_line(os.path.abspath(args.file)))
    # A pipeline per client: a reconnecting client starts on a keyframe at once, and a
    # client that was killed without TEARDOWN cannot hold up the others.
    factory.set_shared(False)
    if args.user is not None:
        add_authentication(server, factory, args)

    server.get_mount_points().add_factory(args.path, factory)

    loop = GLib.MainLoop()

    def stop(*_):
        loop.quit()
        return GLib.SOURCE_REMOVE

    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, stop)
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, stop)

    # Sessions of clients that vanished without TEARDOWN are dropped once they time out.
    def clean_sessions():
        server.get_session_pool().cleanup()
        return GLib.SOURCE_CONTINUE

    GLib.timeout_add_seconds(2, clean_sessions)

    if server.attach(None) == 0:
        print("cannot listen on %s:%d" % (args.host, args.port), file=sys.stderr, flush=True)
        return 1

    print("ready rtsp://%s:%d%s" % (args.host, server.get_bound_port(), args.path), flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
