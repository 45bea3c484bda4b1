#!/usr/bin/env python3
"""A real RTSP server (GStreamer's gst-rtsp-server) for MaskWatch ingest tests.

Serves one H.264 stream at rtsp://127.0.0.1:PORT/stream, endlessly, over TCP and UDP:
  --clip FILE.mp4   an H.264 clip, looped (its access units are read once, then replayed with
                    increasing timestamps, so there is no re-encoding while serving)
  (no --clip)       a clip generated with videotestsrc + x264enc (--width/--height/--fps/--seconds)
With --user/--password the server requires RTSP basic authentication.
Prints "READY port=N" on stdout once it accepts connections, then serves until killed.
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def read_access_units(pipeline_desc):
    """Runs pipeline_desc (ending in 'appsink name=sink') and returns (caps, [(bytes, duration_ns, keyframe)])."""
    pipeline = Gst.parse_launch(pipeline_desc)
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    units, caps = [], None
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:
            break
        buf = sample.get_buffer()
        caps = caps or sample.get_caps()
        ok, info = buf.map(Gst.MapFlags.READ)
        if ok:
            key = not buf.has_flags(Gst.BufferFlags.DELTA_UNIT)
            units.append((bytes(info.data), buf.duration, key))
            buf.unmap(info)
    bus = pipeline.get_bus()
    err = bus.pop_filtered(Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if err is not None:
        e, dbg = err.parse_error()
        raise RuntimeError("cannot read clip: %s (%s)" % (e.message, dbg))
    if not units:
        raise RuntimeError("clip has no H.264 frames")
    return caps, units


class LoopingFactory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, caps, units, fps):
        super().__init__()
        self.caps = caps
        self.units = units
        self.default_duration = int(Gst.SECOND / fps)
        self.set_shared(False)
        self.set_launch("( appsrc name=src is-live=true format=time do-timestamp=false "
                        "! h264parse config-interval=-1 ! rtph264pay name=pay0 pt=96 config-interval=1 )")
        self.connect("media-configure", self.on_configure)

    def on_configure(self, _factory, media):
        src = media.get_element().get_child_by_name("src")
        src.set_property("caps", self.caps)
        state = {"i": 0, "pts": 0}

        def need_data(appsrc, _length):
            data, duration, _key = self.units[state["i"] % len(self.units)]
            if duration is None or duration == Gst.CLOCK_TIME_NONE or duration <= 0:
                duration = self.default_duration
            buf = Gst.Buffer.new_wrapped(data)
            buf.pts = state["pts"]
            buf.dts = state["pts"]
            buf.duration = duration
            state["pts"] += duration
            state["i"] += 1
            appsrc.emit("push-buffer", buf)

        src.connect("need-data", need_data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--clip")
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=360)
    ap.add_argument("--fps", type=int, default=25)
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--user")
    ap.add_argument("--password")
    args = ap.parse_args()
    Gst.init(None)

    au_caps = "video/x-h264,stream-format=byte-stream,alignment=au"
    if args.clip:
        desc = ("filesrc location=\"%s\" ! qtdemux ! h264parse config-interval=-1 ! %s ! appsink name=sink sync=false"
                % (args.clip.replace('"', '\\"'), au_caps))
    else:
        desc = ("videotestsrc num-buffers=%d pattern=ball ! video/x-raw,width=%d,height=%d,framerate=%d/1 "
                "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=%d ! h264parse config-interval=-1 "
                "! %s ! appsink name=sink sync=false"
                % (args.seconds * args.fps, args.width, args.height, args.fps, args.fps, au_caps))
    caps, units = read_access_units(desc)
    fps = args.fps
    st = caps.get_structure(0)
    ok, num, den = st.get_fraction("framerate")
    if ok and num > 0 and den > 0:
        fps = num / den

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = LoopingFactory(caps, units, fps)
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", args.user)
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ""), token)
        server.set_auth(auth)
        perms = GstRtspServer.RTSPPermissions()
        perms.add_role(args.user)
        perms.add_permission_for_role(args.user, "media.factory.access", True)
        perms.add_permission_for_role(args.user, "media.factory.construct", True)
        factory.set_permissions(perms)
    server.get_mount_points().add_factory("/stream", factory)
    if server.attach(None) == 0:
        print("ERROR cannot listen on 127.0.0.1:%d" % args.port, flush=True)
        sys.exit(3)
    print("READY port=%d frames=%d fps=%.3f" % (server.get_bound_port(), len(units), fps), flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
