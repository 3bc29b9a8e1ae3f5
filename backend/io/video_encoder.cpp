#include "io/video_encoder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "core/errors.h"
#include "io/atomic_file.h"
#include "io/ffmpeg_util.h"
#include "io/gif_palette.h"
#include "io/image_io.h"
#include "io/video_frames.h"

namespace vds {
namespace {

namespace fs = std::filesystem;
using namespace vds::ffmpeg;

constexpr double kMaxFps = 240.0;
constexpr int kMaxGifLoop = 65535;     // GIF's NETSCAPE loop count is 16 bits
constexpr int kFpsPrecision = 100000;  // denominator bound when turning fps into a rational
constexpr int kMinFrameDigits = 4;
// libvpx-vp9 speed/quality trade-off (0 slowest .. 8 fastest); 4 is its usual "good" speed.
constexpr const char* kVp9CpuUsed = "4";

std::string lowerExtension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

struct OutputContextDeleter {
  void operator()(AVFormatContext* f) const {
    if (f->pb != nullptr && (f->oformat->flags & AVFMT_NOFILE) == 0) avio_closep(&f->pb);
    avformat_free_context(f);
  }
};
using OutputContextPtr = std::unique_ptr<AVFormatContext, OutputContextDeleter>;

[[noreturn]] void fail(const fs::path& out, const std::string& step, int averror) {
  throw IoError("cannot write video " + fileTag(out) + ": " + step + " failed: " + errorText(averror));
}

// Reports progress and polls for cancellation: once before the first frame, then after each.
void reportOrCancel(const VideoEncodeSettings& s, int64_t done, int64_t total) {
  if (s.cancel != nullptr && s.cancel->load()) throw CancelledError();
  if (s.progress && !s.progress(done, total)) throw CancelledError();
}

void checkSettings(const VideoEncodeSettings& s, VideoFormat format) {
  if (!(s.fps > 0) || s.fps > kMaxFps)
    throw ConfigError("video fps " + std::to_string(s.fps) + " is outside (0, " + std::to_string(kMaxFps) + "]");
  if (s.scale < 1 || s.scale > kMaxVideoScale)
    throw ConfigError("video scale " + std::to_string(s.scale) + " is outside [1, " + std::to_string(kMaxVideoScale) +
                      "]");
  if (s.width < 0 || s.height < 0)
    throw ConfigError("video size " + std::to_string(s.width) + "x" + std::to_string(s.height) + " is negative");
  if (s.scale > 1 && (s.width > 0 || s.height > 0))
    throw ConfigError("video scale and a target size exclude each other: set one of them");
  const int maxCrf = format == VideoFormat::webm ? kMaxCrfWebm : kMaxCrfMp4;
  if (s.crf < -1 || s.crf > maxCrf)
    throw ConfigError("video crf " + std::to_string(s.crf) + " is outside [0, " + std::to_string(maxCrf) + "] for " +
                      videoFormatName(format) + " (-1 for the default)");
  if (s.gifLoop < -1 || s.gifLoop > kMaxGifLoop)
    throw ConfigError("GIF loop " + std::to_string(s.gifLoop) + " is outside [-1, " + std::to_string(kMaxGifLoop) + "]");
  if (s.threads < 0) throw ConfigError("video encoder threads " + std::to_string(s.threads) + " is negative");
  if (s.rotationDegrees != 0 && s.rotationDegrees != 90 && s.rotationDegrees != 180 && s.rotationDegrees != 270)
    throw ConfigError("video rotation " + std::to_string(s.rotationDegrees) + " is not 0, 90, 180 or 270 degrees");
  if (s.rotationDegrees != 0 && format != VideoFormat::mp4)
    throw ConfigError(std::string("video rotation is written in MP4 only, not ") + videoFormatName(format));
}

// Applies the upscale factor or the target size.
torch::Tensor scaled(const torch::Tensor& frames, const VideoEncodeSettings& s) {
  if (s.width == 0 && s.height == 0) return upscaleNearest(frames, s.scale);
  const int64_t h = frames.size(1), w = frames.size(2);
  int64_t outW = s.width, outH = s.height;
  if (outW == 0) outW = std::max<int64_t>(1, std::llround(static_cast<double>(w) * outH / static_cast<double>(h)));
  if (outH == 0) outH = std::max<int64_t>(1, std::llround(static_cast<double>(h) * outW / static_cast<double>(w)));
  return resizeFrames(frames, outH, outW);
}

uint64_t fileSize(const fs::path& p) {
  std::error_code ec;
  const auto size = fs::file_size(p, ec);
  return ec ? 0 : static_cast<uint64_t>(size);
}

EncodeReport encodePng(const fs::path& out, const torch::Tensor& frames, const VideoEncodeSettings& s) {
  const int64_t count = frames.size(0);
  const bool directory = lowerExtension(out) != ".png";
  const fs::path folder = directory ? out : (out.has_parent_path() ? out.parent_path() : fs::path("."));
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw IoError("cannot write PNG frames to '" + folder.string() + "': " + ec.message());
  EncodeReport report;
  report.path = out;
  report.format = VideoFormat::png;
  report.frames = count;
  report.height = frames.size(1);
  report.width = frames.size(2);
  report.exactPalette = true;
  std::vector<fs::path> written;
  try {
    reportOrCancel(s, 0, count);
    for (int64_t f = 0; f < count; ++f) {
      const fs::path target = pngFramePath(out, f, count);
      PendingFile pending(target);
      writePng(pending.path(), frames[f]);
      pending.commit();
      written.push_back(target);
      report.bytes += fileSize(target);
      reportOrCancel(s, f + 1, count);
    }
  } catch (...) {
    for (const fs::path& p : written) fs::remove(p, ec);
    throw;
  }
  return report;
}

void fillPalettedFrame(AVFrame* frame, const PalettedClip& clip, int64_t index) {
  const int64_t h = clip.indices.size(1), w = clip.indices.size(2);
  const uint8_t* src = clip.indices[index].data_ptr<uint8_t>();
  for (int64_t y = 0; y < h; ++y) std::memcpy(frame->data[0] + y * frame->linesize[0], src + y * w, static_cast<size_t>(w));
  auto* palette = reinterpret_cast<uint32_t*>(frame->data[1]);
  constexpr uint32_t kOpaque = 0xFF000000U;  // AV_PIX_FMT_PAL8 entries are native-endian ARGB
  for (int i = 0; i < kGifMaxColours; ++i) palette[i] = kOpaque;
  for (size_t i = 0; i < clip.palette.size(); ++i) {
    const auto& c = clip.palette[i];
    palette[i] = kOpaque | (uint32_t{c[0]} << 16) | (uint32_t{c[1]} << 8) | uint32_t{c[2]};
  }
}

EncodeReport encodeWithFfmpeg(const fs::path& out, torch::Tensor frames, VideoFormat format,
                              const VideoEncodeSettings& s) {
  routeLogging();
  clearLastLoggedError();
  const char* encoderName = encoderNameFor(format);
  const AVCodec* codec = avcodec_find_encoder_by_name(encoderName);
  if (codec == nullptr)
    throw IoError("cannot write video " + fileTag(out) + ": this FFmpeg build has no '" + encoderName +
                  "' encoder (Debian's libavcodec59 has it; see scripts/install-deps.sh)");

  EncodeReport report;
  report.path = out;
  report.format = format;
  const bool gif = format == VideoFormat::gif;
  PalettedClip paletted;
  if (gif) {
    paletted = paletteQuantise(frames);
    report.exactPalette = paletted.exact;
  }
  if (format == VideoFormat::mp4) {
    const int64_t h = frames.size(1), w = frames.size(2);
    frames = padToEven(frames);
    report.padded = frames.size(1) != h || frames.size(2) != w;
  }
  const int64_t count = frames.size(0);
  const int height = static_cast<int>(frames.size(1)), width = static_cast<int>(frames.size(2));
  report.frames = count;
  report.height = height;
  report.width = width;

  PendingFile pending(out);
  const char* muxerName = format == VideoFormat::mp4 ? "mp4" : format == VideoFormat::webm ? "webm" : "gif";
  AVFormatContext* rawFormat = nullptr;
  int err = avformat_alloc_output_context2(&rawFormat, nullptr, muxerName, pending.path().c_str());
  if (err < 0 || rawFormat == nullptr) fail(out, std::string("setting up the ") + muxerName + " muxer", err);
  OutputContextPtr muxer(rawFormat);

  AVStream* stream = avformat_new_stream(muxer.get(), nullptr);
  if (stream == nullptr) fail(out, "adding the video stream", AVERROR(ENOMEM));
  CodecContextPtr enc(avcodec_alloc_context3(codec));
  if (!enc) fail(out, "allocating the encoder", AVERROR(ENOMEM));
  const AVRational rate = av_d2q(s.fps, kFpsPrecision);
  enc->width = width;
  enc->height = height;
  enc->framerate = rate;
  enc->time_base = av_inv_q(rate);
  enc->pix_fmt = gif ? AV_PIX_FMT_PAL8 : AV_PIX_FMT_YUV420P;
  enc->thread_count = s.threads;
  if (!gif) {
    enc->color_range = AVCOL_RANGE_MPEG;
    enc->colorspace = AVCOL_SPC_BT709;
    enc->color_primaries = AVCOL_PRI_BT709;
    enc->color_trc = AVCOL_TRC_BT709;
    enc->chroma_sample_location = AVCHROMA_LOC_CENTER;  // where box averaging puts the chroma samples
  }
  if ((muxer->oformat->flags & AVFMT_GLOBALHEADER) != 0) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

  AVDictionary* rawCodecOptions = nullptr;
  if (format == VideoFormat::mp4) {
    av_dict_set_int(&rawCodecOptions, "crf", s.crf >= 0 ? s.crf : kDefaultCrfMp4, 0);
    av_dict_set(&rawCodecOptions, "preset", s.x264Preset.c_str(), 0);
  } else if (format == VideoFormat::webm) {
    // Constant quality: libvpx-vp9 needs a zero bit rate for crf to be the only target.
    enc->bit_rate = 0;
    av_dict_set_int(&rawCodecOptions, "crf", s.crf >= 0 ? s.crf : kDefaultCrfWebm, 0);
    av_dict_set(&rawCodecOptions, "deadline", "good", 0);
    av_dict_set(&rawCodecOptions, "cpu-used", kVp9CpuUsed, 0);
  }
  err = avcodec_open2(enc.get(), codec, &rawCodecOptions);
  av_dict_free(&rawCodecOptions);
  if (err < 0) fail(out, std::string("opening the ") + encoderName + " encoder", err);
  err = avcodec_parameters_from_context(stream->codecpar, enc.get());
  if (err < 0) fail(out, "copying the stream parameters", err);
  stream->time_base = enc->time_base;
  stream->avg_frame_rate = rate;
  if (s.rotationDegrees != 0) {
    // The display matrix travels as stream side data; the MP4 muxer writes it into the
    // track header (tkhd), where the MP4 demuxer finds it again.
    constexpr size_t kMatrixBytes = 9 * sizeof(int32_t);
#if LIBAVFORMAT_VERSION_MAJOR >= 61
    AVPacketSideData* side = av_packet_side_data_new(&stream->codecpar->coded_side_data,
                                                     &stream->codecpar->nb_coded_side_data,
                                                     AV_PKT_DATA_DISPLAYMATRIX, kMatrixBytes, 0);
    uint8_t* matrix = side != nullptr ? side->data : nullptr;
#else
    uint8_t* matrix = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, kMatrixBytes);
#endif
    if (matrix == nullptr) fail(out, "adding the display matrix", AVERROR(ENOMEM));
    av_display_rotation_set(reinterpret_cast<int32_t*>(matrix), s.rotationDegrees);
  }

  err = avio_open(&muxer->pb, pending.path().c_str(), AVIO_FLAG_WRITE);
  if (err < 0) fail(out, "opening the temporary file", err);
  AVDictionary* rawMuxerOptions = nullptr;
  if (format == VideoFormat::mp4) av_dict_set(&rawMuxerOptions, "movflags", "+faststart", 0);
  if (gif) av_dict_set_int(&rawMuxerOptions, "loop", s.gifLoop, 0);
  err = avformat_write_header(muxer.get(), &rawMuxerOptions);
  av_dict_free(&rawMuxerOptions);
  if (err < 0) fail(out, "writing the header", err);

  FramePtr frame(av_frame_alloc());
  PacketPtr packet(av_packet_alloc());
  if (!frame || !packet) fail(out, "allocating a frame", AVERROR(ENOMEM));
  frame->format = enc->pix_fmt;
  frame->width = width;
  frame->height = height;
  err = av_frame_get_buffer(frame.get(), 0);
  if (err < 0) fail(out, "allocating a frame", err);

  SwsPtr toYuv;
  if (!gif) {
    // Chroma is halved by box averaging (SWS_AREA): no ringing at the hard, saturated edges of
    // the studio's synthetic frames, and with io/video_decoder's sample repetition a clip
    // made of 2x2 blocks (any clip upscaled by an even factor) keeps its chroma exactly.
    toYuv.reset(sws_getContext(width, height, AV_PIX_FMT_RGB24, width, height, AV_PIX_FMT_YUV420P,
                               SWS_AREA | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
    if (!toYuv) fail(out, "setting up RGB to YUV conversion", AVERROR(EINVAL));
    // Full-range RGB in, BT.709 limited-range YUV out, as the stream is tagged.
    const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
    constexpr int kUnit = 1 << 16;  // brightness 0, contrast and saturation 1.0 in 16.16 fixed point
    sws_setColorspaceDetails(toYuv.get(), bt709, 1, bt709, 0, 0, kUnit, kUnit);
  }

  auto drain = [&]() {
    while (true) {
      const int r = avcodec_receive_packet(enc.get(), packet.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      if (r < 0) fail(out, "encoding", r);
      av_packet_rescale_ts(packet.get(), enc->time_base, stream->time_base);
      packet->stream_index = stream->index;
      const int w = av_interleaved_write_frame(muxer.get(), packet.get());
      if (w < 0) fail(out, "writing a packet", w);
    }
  };

  const torch::Tensor pixels = frames.contiguous();
  reportOrCancel(s, 0, count);
  for (int64_t i = 0; i < count; ++i) {
    err = av_frame_make_writable(frame.get());
    if (err < 0) fail(out, "preparing a frame", err);
    if (gif) {
      fillPalettedFrame(frame.get(), paletted, i);
    } else {
      const uint8_t* src[1] = {pixels[i].data_ptr<uint8_t>()};
      const int srcStride[1] = {3 * width};
      sws_scale(toYuv.get(), src, srcStride, 0, height, frame->data, frame->linesize);
    }
    frame->pts = i;
    err = avcodec_send_frame(enc.get(), frame.get());
    if (err < 0) fail(out, "encoding frame " + std::to_string(i), err);
    drain();
    reportOrCancel(s, i + 1, count);
  }
  err = avcodec_send_frame(enc.get(), nullptr);
  if (err < 0) fail(out, "flushing the encoder", err);
  drain();
  err = av_write_trailer(muxer.get());
  if (err < 0) fail(out, "writing the trailer", err);
  err = avio_closep(&muxer->pb);
  if (err < 0) fail(out, "closing the temporary file", err);
  muxer.reset();
  pending.commit();
  report.bytes = fileSize(out);
  return report;
}

}  // namespace

const char* videoFormatName(VideoFormat format) {
  switch (format) {
    case VideoFormat::mp4: return "mp4";
    case VideoFormat::webm: return "webm";
    case VideoFormat::gif: return "gif";
    case VideoFormat::png: return "png";
  }
  return "?";
}

VideoFormat parseVideoFormat(const std::string& name) {
  for (VideoFormat f : {VideoFormat::mp4, VideoFormat::webm, VideoFormat::gif, VideoFormat::png})
    if (name == videoFormatName(f)) return f;
  throw ConfigError("unknown video format '" + name + "'; expected one of mp4, webm, gif, png");
}

VideoFormat videoFormatFromPath(const fs::path& path) {
  const std::string text = path.string();
  if (text.empty()) throw ConfigError("video output path is empty");
  if (text.back() == '/' || !path.has_extension()) return VideoFormat::png;
  const std::string ext = lowerExtension(path);
  if (ext == ".mp4") return VideoFormat::mp4;
  if (ext == ".webm") return VideoFormat::webm;
  if (ext == ".gif") return VideoFormat::gif;
  if (ext == ".png") return VideoFormat::png;
  throw ConfigError("cannot tell the video format of '" + text + "' from its extension '" + ext +
                    "'; use .mp4, .webm, .gif, .png or a directory (PNG frames)");
}

fs::path pngFramePath(const fs::path& target, int64_t frame, int64_t frameCount) {
  int digits = kMinFrameDigits;
  for (int64_t n = 10000; n < frameCount; n *= 10) ++digits;
  char number[32];
  std::snprintf(number, sizeof number, "%0*lld", digits, static_cast<long long>(frame));
  if (lowerExtension(target) == ".png") {
    const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
    return parent / (target.stem().string() + "_" + number + ".png");
  }
  return target / (std::string("frame_") + number + ".png");
}

const char* encoderNameFor(VideoFormat format) {
  switch (format) {
    case VideoFormat::mp4: return "libx264";
    case VideoFormat::webm: return "libvpx-vp9";
    case VideoFormat::gif: return "gif";
    case VideoFormat::png: return "";
  }
  return "";
}

bool hasEncoderFor(VideoFormat format) {
  if (format == VideoFormat::png) return true;
  return avcodec_find_encoder_by_name(encoderNameFor(format)) != nullptr;
}

EncodeReport encodeVideo(const fs::path& out, const torch::Tensor& clip, const VideoEncodeSettings& settings) {
  const VideoFormat format = settings.format ? *settings.format : videoFormatFromPath(out);
  checkSettings(settings, format);
  const torch::Tensor frames = scaled(clipToFrames(clip, "video '" + out.string() + "'"), settings);
  if (format == VideoFormat::png) return encodePng(out, frames, settings);
  return encodeWithFfmpeg(out, frames, format, settings);
}

EncodeReport encodeVideo(const fs::path& out, const std::vector<torch::Tensor>& rgbFrames,
                         const VideoEncodeSettings& settings) {
  return encodeVideo(out, framesFromList(rgbFrames, "video '" + out.string() + "'"), settings);
}

}  // namespace vds
