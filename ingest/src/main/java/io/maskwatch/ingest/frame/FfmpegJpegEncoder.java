package io.maskwatch.ingest.frame;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_QSCALE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.FF_QP2LAMBDA;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.SWS_CS_ITU601;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCoefficients;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;
import static org.bytedeco.ffmpeg.global.swscale.sws_setColorspaceDetails;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Scales a BGR frame down to at most {@code maxWidth} and encodes it as a baseline 4:2:0 JPEG with
 * FFmpeg's MJPEG encoder, which is faster than OpenCV's {@code imencode} in JavaCV, whose bundled
 * libjpeg-turbo has no SIMD (docs/INGEST.md). Scaling and the colour conversion are one swscale pass
 * to full-range YCbCr (JFIF), so colours match what a JPEG decoder expects.
 *
 * <p>{@code jpeg-quality} means what it means for libjpeg: the encoder gets libjpeg's quantisation
 * tables (JPEG Annex K) scaled by libjpeg's quality formula, at qscale 8, where FFmpeg writes them unchanged.
 *
 * <p>One instance per camera thread: it keeps its swscale context and is not thread-safe; the encoder is
 * opened for each frame (see {@link #encode}).
 */
public final class FfmpegJpegEncoder implements AutoCloseable {
    private static final int[] LUMA = {
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
    private static final int[] CHROMA = {
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99};
    /** FFmpeg's MJPEG encoder writes its tables multiplied by qscale / 8. */
    private static final int QSCALE = 8;

    private final int maxWidth;
    private final int quality;
    private final PointerPointer<BytePointer> srcData = new PointerPointer<>(4);
    private final IntPointer srcStride = new IntPointer(4);
    private SwsContext sws;
    private AVCodecContext ctx;
    private AVFrame yuv;
    private AVPacket pkt;

    /**
     * @param maxWidth frames wider than this are scaled down; 0 keeps every size
     * @param quality  JPEG quality 1..100, as libjpeg's
     */
    public FfmpegJpegEncoder(int maxWidth, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be 1..100, got " + quality);
        }
        this.maxWidth = maxWidth;
        this.quality = quality;
    }

    /** libjpeg's {@code jpeg_quality_scaling} and {@code jpeg_add_quant_table} (baseline: 1..255). */
    static int[] table(int[] base, int quality) {
        int scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
        int[] out = new int[64];
        for (int i = 0; i < 64; i++) {
            out[i] = Math.max(1, Math.min(255, (base[i] * scale + 50) / 100));
        }
        return out;
    }

    /** Scales (as {@link JpegEncoder#scale}) and encodes an 8-bit BGR frame. */
    public JpegEncoder.Jpeg encode(Mat bgr) {
        if (bgr.empty() || bgr.cols() <= 0 || bgr.rows() <= 0 || bgr.channels() != 3 || bgr.depth() != 0) {
            throw new IllegalArgumentException("expected a non-empty 8-bit BGR image, got " + bgr.cols() + "x"
                    + bgr.rows() + " with " + bgr.channels() + " channels");
        }
        int w = bgr.cols();
        int h = bgr.rows();
        int outW = w;
        int outH = h;
        if (maxWidth > 0 && w > maxWidth) {
            outW = maxWidth;
            outH = Math.max(1, (int) Math.round(h * (double) maxWidth / w));
        }
        prepare(outW, outH);
        try {
            return encode(bgr, w, h, outW, outH);
        } finally {
            // An open MJPEG encoder holds ~8 MB (measured: 20 cameras 637 vs 465 MB RSS); opening one per frame
            // costs no measurable time at a few frames per second, and its memory goes back at once. Also after
            // a failure: a half-used encoder is not reused.
            freeCodec();
        }
    }

    private JpegEncoder.Jpeg encode(Mat bgr, int w, int h, int outW, int outH) {
        // SWS_AREA averages like OpenCV's INTER_AREA when shrinking; at 1:1 only the colours convert.
        sws = sws_getCachedContext(sws, w, h, AV_PIX_FMT_BGR24, outW, outH, AV_PIX_FMT_YUVJ420P,
                outW == w ? SWS_BILINEAR : SWS_AREA, null, null, (DoublePointer) null);
        if (sws == null) {
            throw new IllegalStateException("swscale cannot convert " + w + "x" + h + " BGR to " + outW + "x" + outH);
        }
        IntPointer bt601 = sws_getCoefficients(SWS_CS_ITU601);
        // BGR is full range, and so is JFIF's YCbCr (BT.601 matrix).
        sws_setColorspaceDetails(sws, bt601, 1, bt601, 1, 0, 1 << 16, 1 << 16);
        check(av_frame_make_writable(yuv), "av_frame_make_writable");
        srcData.put(0, bgr.data());
        srcStride.put(0, (int) bgr.step());
        sws_scale(sws, srcData, srcStride, 0, h, yuv.data(), yuv.linesize());
        yuv.quality(QSCALE * FF_QP2LAMBDA);
        check(avcodec_send_frame(ctx, yuv), "avcodec_send_frame");
        check(avcodec_receive_packet(ctx, pkt), "avcodec_receive_packet");
        try {
            byte[] out = new byte[pkt.size()];
            pkt.data().get(out);
            return new JpegEncoder.Jpeg(out, outW, outH);
        } finally {
            av_packet_unref(pkt);
        }
    }

    /** Opens the encoder for this output size. */
    private void prepare(int w, int h) {
        if (ctx != null && ctx.width() == w && ctx.height() == h) {
            return;
        }
        freeCodec();
        AVCodec codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
        if (codec == null) {
            throw new IllegalStateException("this FFmpeg build has no MJPEG encoder");
        }
        try {
            open(codec, w, h);
        } catch (RuntimeException e) {
            // Half-opened, the next frame of this size would skip opening and hand FFmpeg a null frame.
            freeCodec();
            throw e;
        }
    }

    private void open(AVCodec codec, int w, int h) {
        ctx = avcodec_alloc_context3(codec);
        ctx.width(w).height(h).pix_fmt(AV_PIX_FMT_YUVJ420P).color_range(AVCOL_RANGE_JPEG)
                .time_base(av_make_q(1, 25)).thread_count(1);
        ctx.flags(ctx.flags() | AV_CODEC_FLAG_QSCALE);
        ctx.global_quality(QSCALE * FF_QP2LAMBDA);
        ctx.intra_matrix(matrix(table(LUMA, quality)));
        ctx.chroma_intra_matrix(matrix(table(CHROMA, quality)));
        // The standard Huffman tables, as libjpeg's default: "optimal" (FFmpeg's default) buffers the whole
        // frame's codes for a second pass for ~2 % smaller files.
        av_opt_set(ctx.priv_data(), "huffman", "default", 0);
        check(avcodec_open2(ctx, codec, (PointerPointer<?>) null), "avcodec_open2 (mjpeg)");
        yuv = av_frame_alloc();
        yuv.format(AV_PIX_FMT_YUVJ420P).width(w).height(h).color_range(AVCOL_RANGE_JPEG);
        check(av_frame_get_buffer(yuv, 0), "av_frame_get_buffer");
        pkt = av_packet_alloc();
    }

    /** An av_malloc'ed table: avcodec_free_context frees it. */
    private static ShortPointer matrix(int[] values) {
        ShortPointer p = new ShortPointer(av_malloc(64 * 2)).capacity(64);
        for (int i = 0; i < 64; i++) {
            p.put(i, (short) values[i]);
        }
        return p;
    }

    private static void check(int ret, String what) {
        if (ret < 0) {
            byte[] buf = new byte[256];
            av_strerror(ret, buf, buf.length);
            int n = 0;
            while (n < buf.length && buf[n] != 0) {
                n++;
            }
            throw new IllegalStateException(what + " failed: " + new String(buf, 0, n) + " (" + ret + ")");
        }
    }

    private void freeCodec() {
        if (ctx != null) {
            avcodec_free_context(ctx);
            ctx = null;
        }
        if (yuv != null) {
            av_frame_free(yuv);
            yuv = null;
        }
        if (pkt != null) {
            av_packet_free(pkt);
            pkt = null;
        }
    }

    @Override
    public void close() {
        freeCodec();
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
        srcData.close();
        srcStride.close();
    }
}
