#include "io/video_decoder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/errors.h"
#include "core/log.h"
#include "io/ffmpeg_util.h"
#include "io/video_frames.h"

namespace vds {
namespace {

namespace fs = std::filesystem;
using namespace vds::ffmpeg;

// Two timestamps this close (seconds) are the same moment: rational time bases and
// k / fps disagree in the last bits.
constexpr double kTimeEpsilon = 1e-6;

struct InputContextDeleter {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
using InputContextPtr = std::unique_ptr<AVFormatContext, InputContextDeleter>;

std::string prefix(const fs::path& file) { return "video " + fileTag(file) + ": "; }

double rateOf(AVRational r) { return r.num > 0 && r.den > 0 ? av_q2d(r) : 0.0; }

// How decoded frames are turned upright: a transpose (rows become columns) first when
// set, then horizontal and/or vertical flips. The eight combinations are every rotation
// by a multiple of 90 degrees, with or without a mirror.
struct Orientation {
  int degrees = 0;  // clockwise: 0, 90, 180 or 270
  bool mirrored = false;
  bool transpose = false, hflip = false, vflip = false;
};

// The stream's display matrix (nine 16.16 / 2.30 fixed-point values), or null.
const int32_t* displayMatrixOf(const AVStream* stream) {
  constexpr size_t kMatrixBytes = 9 * sizeof(int32_t);
#if LIBAVFORMAT_VERSION_MAJOR >= 61
  const AVPacketSideData* side = av_packet_side_data_get(
      stream->codecpar->coded_side_data, stream->codecpar->nb_coded_side_data, AV_PKT_DATA_DISPLAYMATRIX);
  if (side == nullptr || side->size < kMatrixBytes) return nullptr;
  return reinterpret_cast<const int32_t*>(side->data);
#else
  size_t size = 0;
  const uint8_t* data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (data == nullptr || size < kMatrixBytes) return nullptr;
  return reinterpret_cast<const int32_t*>(data);
#endif
}

// What FFmpeg's own autorotate (the ffmpeg tool's default) does with a display matrix,
// for angles within a degree of a multiple of 90: av_display_rotation_get gives the
// counter-clockwise angle, so the frame is shown turned clockwise by its negation;
// 90 is transpose=clock (cclock_flip when the matrix also mirrors, matrix[3] > 0),
// 180 is an hflip when matrix[0] < 0 and a vflip when matrix[4] < 0, 270 is
// transpose=cclock (clock_flip when mirrored, matrix[3] < 0), and 0 is a vflip when
// matrix[4] < 0. Any other angle FFmpeg turns with its rotate filter, corners filled
// black; that is not done here: the frames stay as stored, with a warning in the log.
Orientation orientationOf(const AVStream* stream, const fs::path& file) {
  Orientation o;
  const int32_t* m = displayMatrixOf(stream);
  if (m == nullptr) return o;
  const double counterClockwise = av_display_rotation_get(m);
  if (!std::isfinite(counterClockwise)) return o;  // a singular matrix shows nothing sensible
  double clockwise = -std::round(counterClockwise);
  clockwise -= 360.0 * std::floor(clockwise / 360.0 + 0.9 / 360.0);  // [0, 360), as FFmpeg wraps it
  const int degrees = static_cast<int>(clockwise);
  switch (degrees) {
    case 0:
      o.vflip = m[4] < 0;
      break;
    case 90:
      o.transpose = true;
      o.hflip = m[3] <= 0;  // transpose + hflip turns clockwise; a transpose alone mirrors
      break;
    case 180:
      o.hflip = m[0] < 0;
      o.vflip = m[4] < 0;
      break;
    case 270:
      o.transpose = true;
      o.vflip = true;       // transpose + vflip turns counter-clockwise
      o.hflip = m[3] < 0;   // and another flip mirrors it
      break;
    default:
      logger()->warn("video {}: the display matrix turns it by {} degrees, not a multiple of 90; "
                     "the frames are left as stored",
                     fileTag(file), degrees);
      return o;
  }
  o.degrees = degrees;
  // A turn has as many flips as it needs; one flip more or less is a mirror.
  const int flips = (o.hflip ? 1 : 0) + (o.vflip ? 1 : 0);
  const int turnFlips = degrees == 0 ? 0 : degrees == 180 ? 2 : 1;
  o.mirrored = flips != turnFlips;
  return o;
}

// Matroska/WebM: where the Segment element should end, from the size its header
// declares (FFmpeg's muxer fills it in when it finishes a seekable file). 0 when there
// is nothing to compare: not EBML, an unexpected layout, or a size left "unknown" (as
// live recorders, which cannot seek back, leave it).
uint64_t matroskaSegmentEnd(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  uint64_t offset = 0;
  // An EBML variable-length integer: the leading zeros of the first byte give its
  // length. IDs keep their length marker; sizes drop it. -1: an "unknown" size.
  auto readVint = [&](bool keepMarker, int maxBytes, int64_t& value) {
    const int first = in.get();
    if (first == EOF || first == 0) return false;
    int length = 1;
    while ((first & (0x80 >> (length - 1))) == 0) ++length;
    if (length > maxBytes) return false;
    uint64_t v = keepMarker ? static_cast<uint64_t>(first) : static_cast<uint64_t>(first & (0xFF >> length));
    bool allOnes = v == static_cast<uint64_t>(0xFF >> length);
    for (int i = 1; i < length; ++i) {
      const int byte = in.get();
      if (byte == EOF) return false;
      v = (v << 8) | static_cast<uint64_t>(byte);
      allOnes = allOnes && byte == 0xFF;
    }
    offset += static_cast<uint64_t>(length);
    value = !keepMarker && allOnes ? -1 : static_cast<int64_t>(v);
    return true;
  };
  constexpr int64_t kEbmlId = 0x1A45DFA3, kSegmentId = 0x18538067, kVoidId = 0xEC;
  constexpr int kMaxIdBytes = 4, kMaxSizeBytes = 8, kMaxElementsBeforeSegment = 16;
  for (int element = 0; element < kMaxElementsBeforeSegment; ++element) {
    int64_t id = 0, size = 0;
    if (!readVint(true, kMaxIdBytes, id) || !readVint(false, kMaxSizeBytes, size)) return 0;
    if (element == 0 && id != kEbmlId) return 0;
    if (id == kSegmentId) return size < 0 ? 0 : offset + static_cast<uint64_t>(size);
    if (size < 0 || (id != kEbmlId && id != kVoidId)) return 0;
    offset += static_cast<uint64_t>(size);
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in) return 0;
  }
  return 0;
}

// An opened input with its best video stream and an opened decoder for it.
struct OpenVideo {
  InputContextPtr format;
  AVStream* stream = nullptr;
  CodecContextPtr decoder;
};

OpenVideo openVideo(const fs::path& file, int threads) {
  routeLogging();
  clearLastLoggedError();
  std::error_code ec;
  if (!fs::exists(file, ec)) throw IoError("cannot open video " + fileTag(file) + ": no such file");
  if (fs::is_directory(file, ec)) throw IoError("cannot open video " + fileTag(file) + ": it is a directory");
  if (fs::file_size(file, ec) == 0 && !ec)
    throw IoError("cannot open video " + fileTag(file) + ": the file is empty (zero bytes)");

  OpenVideo v;
  AVFormatContext* raw = nullptr;
  int err = avformat_open_input(&raw, file.c_str(), nullptr, nullptr);
  if (err < 0) throw IoError("cannot open video " + fileTag(file) + ": " + errorText(err));
  v.format.reset(raw);
  // FFmpeg's "tty" demuxer shows any text file as ANSI art; a text file is not a video.
  if (std::strcmp(v.format->iformat->name, "tty") == 0)
    throw FormatError(prefix(file) + "this is a text file, not a video");
  err = avformat_find_stream_info(v.format.get(), nullptr);
  if (err < 0) throw FormatError(prefix(file) + "cannot read the stream information: " + errorText(err));

  const AVCodec* codec = nullptr;
  const int index = av_find_best_stream(v.format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (index == AVERROR_STREAM_NOT_FOUND) throw FormatError(prefix(file) + "the file has no video stream");
  if (index == AVERROR_DECODER_NOT_FOUND || (index >= 0 && codec == nullptr)) {
    const AVCodecParameters* par = v.format->streams[std::max(index, 0)]->codecpar;
    throw FormatError(prefix(file) + "unsupported codec '" +
                      (index >= 0 ? avcodec_get_name(par->codec_id) : std::string("?")) + "': this FFmpeg cannot decode it");
  }
  if (index < 0) throw FormatError(prefix(file) + "no usable video stream: " + errorText(index));
  v.stream = v.format->streams[index];
  if ((v.stream->disposition & AV_DISPOSITION_ATTACHED_PIC) != 0)
    throw FormatError(prefix(file) + "the only picture is attached cover art, not a video");
  if (v.stream->codecpar->codec_id == AV_CODEC_ID_ANSI)
    throw FormatError(prefix(file) + "this is a text file, not a video");

  v.decoder.reset(avcodec_alloc_context3(codec));
  if (!v.decoder) throw IoError(prefix(file) + "out of memory allocating the decoder");
  err = avcodec_parameters_to_context(v.decoder.get(), v.stream->codecpar);
  if (err < 0) throw FormatError(prefix(file) + "bad codec parameters: " + errorText(err));
  v.decoder->thread_count = threads;
  err = avcodec_open2(v.decoder.get(), codec, nullptr);
  if (err < 0)
    throw FormatError(prefix(file) + "cannot open the " + codec->name + " decoder: " + errorText(err));
  if (v.decoder->width <= 0 || v.decoder->height <= 0)
    throw FormatError(prefix(file) + "the video stream has no frame size");
  return v;
}

// GIF: why the file's block structure says it was cut short, or "" when it does not.
// FFmpeg's demuxer drops a frame whose graphic control extension the end of the file
// cuts (or that is followed by no image) and then counts one frame fewer, so such a
// file decodes without error. A file that ends cleanly between blocks but lacks the
// trailer byte is accepted: every frame in it is whole, and some writers omit it.
std::string gifCutShort(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  auto skip = [&](std::streamsize n) {
    in.ignore(n);
    return in.gcount() == n;
  };
  // Sub-blocks: a length byte and that many bytes, until a zero length.
  auto skipSubBlocks = [&]() {
    while (true) {
      const int length = in.get();
      if (length == EOF) return false;
      if (length == 0) return true;
      if (!skip(length)) return false;
    }
  };
  constexpr int kHeaderBytes = 6, kScreenDescriptorBytes = 7, kImageDescriptorBytes = 9;
  char header[kHeaderBytes + kScreenDescriptorBytes];
  if (!in.read(header, sizeof header)) return "";  // FFmpeg read it; nothing to add
  const auto screenFlags = static_cast<unsigned char>(header[10]);
  if ((screenFlags & 0x80) != 0 && !skip(3 << ((screenFlags & 7) + 1))) return "the file ends inside its colour table";
  constexpr int kExtension = 0x21, kImage = 0x2C, kTrailer = 0x3B, kGraphicControl = 0xF9;
  bool imagePending = false;  // a graphic control extension announces an image
  while (true) {
    const int block = in.get();
    if (block == EOF) return imagePending ? "the file ends before the image of its last frame" : "";
    if (block == kTrailer) return "";
    if (block == kExtension) {
      const int label = in.get();
      if (label == EOF || !skipSubBlocks()) return "the file ends inside an extension block";
      if (label == kGraphicControl) imagePending = true;
    } else if (block == kImage) {
      char descriptor[kImageDescriptorBytes];
      if (!in.read(descriptor, sizeof descriptor)) return "the file ends inside an image descriptor";
      const auto flags = static_cast<unsigned char>(descriptor[8]);
      if ((flags & 0x80) != 0 && !skip(3 << ((flags & 7) + 1))) return "the file ends inside a colour table";
      if (in.get() == EOF || !skipSubBlocks()) return "the file ends inside the image data";
      imagePending = false;
    } else {
      return "";  // not a block this walk knows: leave it to FFmpeg's demuxer
    }
  }
}

VideoInfo infoOf(const OpenVideo& v, const Orientation& orientation) {
  VideoInfo info;
  info.width = orientation.transpose ? v.decoder->height : v.decoder->width;
  info.height = orientation.transpose ? v.decoder->width : v.decoder->height;
  info.rotationDegrees = orientation.degrees;
  info.mirrored = orientation.mirrored;
  info.frames = std::max<int64_t>(0, v.stream->nb_frames);
  if (v.stream->duration != AV_NOPTS_VALUE && v.stream->duration > 0)
    info.durationSeconds = static_cast<double>(v.stream->duration) * av_q2d(v.stream->time_base);
  else if (v.format->duration != AV_NOPTS_VALUE && v.format->duration > 0)
    info.durationSeconds = static_cast<double>(v.format->duration) / AV_TIME_BASE;
  // A declared count over a declared duration is the truest average; FFmpeg's own rate
  // guesses go wrong on short GIFs (whose delays are whole 1/100 s).
  if (info.frames > 0 && info.durationSeconds > 0) info.fps = static_cast<double>(info.frames) / info.durationSeconds;
  if (info.fps <= 0) info.fps = rateOf(v.stream->avg_frame_rate);
  if (info.fps <= 0) info.fps = rateOf(v.stream->r_frame_rate);
  info.codec = avcodec_get_name(v.stream->codecpar->codec_id);
  info.container = v.format->iformat->name;
  return info;
}

// How long a decoded frame is shown, in the stream's time base; 0 when unknown.
int64_t frameDuration(const AVFrame* frame) {
#if LIBAVUTIL_VERSION_MAJOR >= 58
  return frame->duration;
#else
  return frame->pkt_duration;
#endif
}

bool isFullRangeFormat(int format) {
  return format == AV_PIX_FMT_YUVJ420P || format == AV_PIX_FMT_YUVJ422P || format == AV_PIX_FMT_YUVJ444P ||
         format == AV_PIX_FMT_YUVJ440P || format == AV_PIX_FMT_YUVJ411P;
}

// Decoded frames to upright RGB, one at a time, with the crop/resize of the options.
class RgbConverter {
 public:
  RgbConverter(const fs::path& file, int64_t size, const Orientation& orientation)
      : file_(file), size_(size), orientation_(orientation) {}

  torch::Tensor convert(const AVFrame* frame) {
    const int w = frame->width, h = frame->height;
    // Subsampled chroma is upsampled by repetition (SWS_POINT, at full horizontal resolution):
    // the studio's synthetic clips have hard, saturated edges that interpolation would smear
    // (bilinear costs Shapes clips ~15 dB of PSNR), and imported videos are area-resized
    // right after, which smooths any blockiness away.
    sws_.reset(sws_getCachedContext(sws_.release(), w, h, static_cast<AVPixelFormat>(frame->format), w, h,
                                    AV_PIX_FMT_RGB24, SWS_POINT | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
                                    nullptr, nullptr, nullptr));
    if (!sws_)
      throw FormatError(prefix(file_) + "cannot convert pixel format '" +
                        av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame->format)) + "' to RGB");
    // YUV sources: the matrix and range the stream is tagged with (BT.601 when untagged).
    const int srcRange = frame->color_range == AVCOL_RANGE_JPEG || isFullRangeFormat(frame->format) ? 1 : 0;
    const int* matrix = sws_getCoefficients(frame->colorspace);
    constexpr int kUnit = 1 << 16;
    sws_setColorspaceDetails(sws_.get(), matrix, srcRange, matrix, 1, 0, kUnit, kUnit);
    torch::Tensor rgb = torch::empty({1, h, w, 3}, torch::kUInt8);
    uint8_t* dst[1] = {rgb.data_ptr<uint8_t>()};
    const int dstStride[1] = {3 * w};
    sws_scale(sws_.get(), frame->data, frame->linesize, 0, h, dst, dstStride);
    // Upright before cropping, so the square is the centre of the frame as shown.
    if (orientation_.transpose) rgb = rgb.transpose(1, 2);
    if (orientation_.hflip) rgb = rgb.flip({2});
    if (orientation_.vflip) rgb = rgb.flip({1});
    rgb = rgb.contiguous();
    if (size_ > 0) rgb = resizeFrames(centreCropSquare(rgb), size_, size_);
    return rgb[0];
  }

 private:
  fs::path file_;
  int64_t size_;
  Orientation orientation_;
  SwsPtr sws_;
};

// Picks output frames from the stream of decoded ones (see the header comment).
class FramePicker {
 public:
  FramePicker(const fs::path& file, const VideoDecodeOptions& options, double sourceFps, RgbConverter& converter)
      : file_(file), options_(options), sourceFps_(sourceFps), converter_(converter), prev_(av_frame_alloc()) {
    if (!prev_) throw IoError(prefix(file) + "out of memory");
  }

  bool done() const { return options_.frames > 0 && static_cast<int64_t>(out_.size()) >= options_.frames; }

  // Takes ownership of the frame's buffers (the frame is left empty).
  void push(AVFrame* frame, double seconds) {
    ++decoded_;
    if (options_.fps <= 0) {
      emit(converter_.convert(frame));
      av_frame_unref(frame);
      return;
    }
    if (havePrev_) {
      while (!done() && targetTime(next_) < seconds - kTimeEpsilon) emitPrevious();
    }
    av_frame_unref(prev_.get());
    av_frame_move_ref(prev_.get(), frame);
    prevRgb_ = torch::Tensor();
    prevTime_ = seconds;
    havePrev_ = true;
  }

  // At the end of the stream: the last frame covers its own display interval.
  void finish() {
    if (options_.fps > 0 && havePrev_) {
      const double end = prevTime_ + (sourceFps_ > 0 ? 1.0 / sourceFps_ : 0.0);
      while (!done() && (out_.empty() || targetTime(next_) < end - kTimeEpsilon)) emitPrevious();
    }
  }

  int64_t decoded() const { return decoded_; }
  std::vector<torch::Tensor>& frames() { return out_; }

 private:
  double targetTime(int64_t k) const { return static_cast<double>(k) / options_.fps; }

  void emitPrevious() {
    if (!prevRgb_.defined()) prevRgb_ = converter_.convert(prev_.get());
    emit(prevRgb_);
    ++next_;
  }

  void emit(const torch::Tensor& rgb) {
    if (options_.frames == 0 && static_cast<int64_t>(out_.size()) >= options_.maxFrames)
      throw FormatError(prefix(file_) + "more than " + std::to_string(options_.maxFrames) +
                        " frames; ask for fewer frames or raise the limit");
    out_.push_back(rgb);
  }

  fs::path file_;
  const VideoDecodeOptions& options_;
  double sourceFps_;
  RgbConverter& converter_;
  FramePtr prev_;
  torch::Tensor prevRgb_;
  double prevTime_ = 0;
  bool havePrev_ = false;
  int64_t next_ = 0;  // the output frame whose time is picked next
  int64_t decoded_ = 0;
  std::vector<torch::Tensor> out_;
};

void checkOptions(const fs::path& file, const VideoDecodeOptions& o) {
  if (o.frames < 0) throw ConfigError(prefix(file) + "frames " + std::to_string(o.frames) + " is negative");
  if (o.fps < 0 || !std::isfinite(o.fps)) throw ConfigError(prefix(file) + "fps " + std::to_string(o.fps) + " is invalid");
  if (o.size < 0) throw ConfigError(prefix(file) + "size " + std::to_string(o.size) + " is negative");
  if (o.maxFrames < 1) throw ConfigError(prefix(file) + "maxFrames must be at least 1");
  if (o.threads < 0) throw ConfigError(prefix(file) + "threads " + std::to_string(o.threads) + " is negative");
}

}  // namespace

VideoInfo probeVideo(const fs::path& file) {
  const OpenVideo v = openVideo(file, 1);
  return infoOf(v, orientationOf(v.stream, file));
}

DecodedVideo decodeVideo(const fs::path& file, const VideoDecodeOptions& options) {
  checkOptions(file, options);
  OpenVideo v = openVideo(file, options.threads);
  const Orientation orientation = orientationOf(v.stream, file);
  const VideoInfo info = infoOf(v, orientation);
  constexpr double kFallbackFps = 25.0;  // FFmpeg's own guess for streams that state no rate
  const double sourceFps = info.fps > 0 ? info.fps : kFallbackFps;

  RgbConverter converter(file, options.size, orientation);
  FramePicker picker(file, options, sourceFps, converter);
  PacketPtr packet(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  if (!packet || !frame) throw IoError(prefix(file) + "out of memory");
  const double timeBase = av_q2d(v.stream->time_base);
  int64_t firstPts = AV_NOPTS_VALUE;
  double lastSeconds = 0, lastDuration = 0;

  // Decodes every frame the decoder has ready; returns false once enough are picked.
  auto receive = [&]() {
    while (!picker.done()) {
      const int r = avcodec_receive_frame(v.decoder.get(), frame.get());
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return true;
      if (r < 0) throw FormatError(prefix(file) + "decoding failed: " + errorText(r));
      if ((frame->flags & AV_FRAME_FLAG_CORRUPT) != 0 || frame->decode_error_flags != 0)
        throw FormatError(prefix(file) + "frame " + std::to_string(picker.decoded()) + " is corrupt");
      const int64_t pts = frame->best_effort_timestamp;
      double seconds = static_cast<double>(picker.decoded()) / sourceFps;
      if (pts != AV_NOPTS_VALUE) {
        if (firstPts == AV_NOPTS_VALUE) firstPts = pts;
        seconds = static_cast<double>(pts - firstPts) * timeBase;
      }
      if (seconds >= lastSeconds) {
        lastSeconds = seconds;
        lastDuration = static_cast<double>(frameDuration(frame.get())) * timeBase;
      }
      picker.push(frame.get(), seconds);
    }
    return false;
  };

  bool reachedEnd = false;
  while (true) {
    if (options.cancel != nullptr && options.cancel->load()) throw CancelledError();
    const int r = av_read_frame(v.format.get(), packet.get());
    if (r == AVERROR_EOF) {
      reachedEnd = true;
      break;
    }
    if (r < 0) throw FormatError(prefix(file) + "reading failed after " + std::to_string(picker.decoded()) +
                                 " frame(s): " + errorText(r));
    if (packet->stream_index != v.stream->index) {
      av_packet_unref(packet.get());
      continue;
    }
    const bool corrupt = (packet->flags & AV_PKT_FLAG_CORRUPT) != 0;
    const int sent = avcodec_send_packet(v.decoder.get(), packet.get());
    av_packet_unref(packet.get());
    if (corrupt) {
      // Demuxers flag a packet that the end of the file cuts short (MP4 does).
      const bool atEnd = v.format->pb != nullptr && avio_feof(v.format->pb) != 0;
      throw FormatError(prefix(file) + (atEnd ? "truncated: the file ends inside a frame's data, after " :
                                                "corrupt data after ") +
                        std::to_string(picker.decoded()) + " decoded frame(s)");
    }
    if (sent < 0 && sent != AVERROR(EAGAIN))
      throw FormatError(prefix(file) + "decoding failed after " + std::to_string(picker.decoded()) +
                        " frame(s): " + errorText(sent));
    if (!receive()) break;
  }
  if (reachedEnd) {
    const int flushed = avcodec_send_packet(v.decoder.get(), nullptr);
    if (flushed < 0 && flushed != AVERROR_EOF)
      throw FormatError(prefix(file) + "flushing the decoder failed: " + errorText(flushed));
    receive();
    if (picker.decoded() == 0) throw FormatError(prefix(file) + "no frame could be decoded");
    // Matroska's demuxer drops a block that the end of the file cuts short, without an
    // error, so a WebM cut inside its last frame decodes one frame short: within the
    // duration check's slack below. The segment's declared size gives it away.
    if (std::strcmp(v.format->iformat->name, "matroska,webm") == 0) {
      const uint64_t declaredEnd = matroskaSegmentEnd(file);
      std::error_code ec;
      const uintmax_t actual = fs::file_size(file, ec);
      if (declaredEnd > 0 && !ec && actual < declaredEnd)
        throw FormatError(prefix(file) + "truncated: its Matroska header declares " + std::to_string(declaredEnd) +
                          " bytes, but the file has " + std::to_string(actual) + " (" +
                          std::to_string(picker.decoded()) + " frame(s) decode)");
    }
    if (std::strcmp(v.format->iformat->name, "gif") == 0) {
      const std::string why = gifCutShort(file);
      if (!why.empty())
        throw FormatError(prefix(file) + "truncated: " + why + " (" + std::to_string(picker.decoded()) +
                          " frame(s) decode)");
    }
    // A container that declares more frames than decode was cut short.
    if (info.frames > 0 && picker.decoded() < info.frames)
      throw FormatError(prefix(file) + "truncated: the container declares " + std::to_string(info.frames) +
                        " frames but only " + std::to_string(picker.decoded()) + " decode");
    // Containers without a frame count (WebM, MKV) state a duration. The format's duration
    // stands for the video only when nothing else (audio) is in the file.
    double declared = 0;
    if (v.stream->duration != AV_NOPTS_VALUE && v.stream->duration > 0)
      declared = static_cast<double>(v.stream->duration) * timeBase;
    else if (v.format->nb_streams == 1 && v.format->duration != AV_NOPTS_VALUE && v.format->duration > 0)
      declared = static_cast<double>(v.format->duration) / AV_TIME_BASE;
    const double frameSeconds = lastDuration > 0 ? lastDuration : 1.0 / sourceFps;
    constexpr double kDurationSlackSeconds = 0.05;  // container rounding
    const double end = lastSeconds + frameSeconds;
    if (declared > 0 && end < declared - frameSeconds - kDurationSlackSeconds) {
      char text[160];
      std::snprintf(text, sizeof text, "truncated: the container says %.2f s, but the frames end at %.2f s", declared,
                    end);
      throw FormatError(prefix(file) + text);
    }
  }
  picker.finish();

  DecodedVideo out;
  std::vector<torch::Tensor>& frames = picker.frames();
  if (frames.empty()) throw FormatError(prefix(file) + "no frame could be decoded");
  out.frames = torch::stack(frames);
  if (options.frames > 0 && out.frames.size(0) < options.frames) {
    out.heldFrames = options.frames - out.frames.size(0);
    out.frames = holdLastFrame(out.frames, options.frames);
  }
  out.fps = options.fps > 0 ? options.fps : sourceFps;
  out.sourceFrames = picker.decoded();
  out.sourceFps = sourceFps;
  out.sourceWidth = info.width;
  out.sourceHeight = info.height;
  out.rotationDegrees = info.rotationDegrees;
  out.mirrored = info.mirrored;
  return out;
}

}  // namespace vds
