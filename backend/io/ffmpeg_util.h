// Small shared plumbing for the FFmpeg-based video encoder and decoder: owning
// pointers for FFmpeg's C objects, error text, and routing of FFmpeg's log into ours.
// Only io/video_*.cpp include this header; nothing outside io/ sees FFmpeg types.
#pragma once
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <filesystem>
#include <memory>
#include <string>

namespace vds::ffmpeg {

// Owning pointers; each deleter is FFmpeg's own free function for the type.
struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;

// av_strerror's text for an AVERROR code, followed by the last error line FFmpeg
// logged on this thread when there is one ("Invalid data found when processing
// input (moov atom not found)").
std::string errorText(int averror);

// Forgets the last logged error line of this thread, so that errorText() reports
// only what the next calls log.
void clearLastLoggedError();

// Sends FFmpeg's log to the project logger (debug level) instead of stderr, and
// remembers the last error line per thread for errorText(). Idempotent and thread-safe;
// every entry point of the encoder and decoder calls it first. FFmpeg's log callback
// is process-wide by FFmpeg's design, so this is the one place that sets it.
void routeLogging();

// "file 'x.mp4': " prefixes used by every message, so each names the file at fault.
inline std::string fileTag(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

}  // namespace vds::ffmpeg
