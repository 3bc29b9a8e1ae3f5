// Reads any video FFmpeg's libraries can demux and decode (MP4, WebM, GIF, AVI, MOV,
// MKV ...) into RGB frames, optionally resampled in time and centre-cropped to a square.
//
// Frames come out as they are meant to be shown: a stream's display matrix (phones
// store portrait clips landscape, tagged "rotate 90") is applied as FFmpeg's own
// autorotate applies it, by multiples of 90 degrees, mirrors included; sizes are those
// of the upright frames. A matrix that turns by another angle is ignored (logged).
//
// Time resampling picks, for output frame k at time k / fps, the source frame shown at
// that moment (the last one whose timestamp is not later), so speeding up drops frames
// and slowing down repeats them; nothing is blended. Frames are converted one at a time,
// and only those picked, so a long source never sits in memory whole.
//
// Failures are errors that name the file: IoError when the file cannot be opened or
// read (missing, unreadable, zero-length, not a media file), FormatError when it opens
// but is not a usable video (no video stream, a text file, an unsupported codec, a
// stream that fails to decode, or a truncated file: fewer frames than the container
// declares, frames ending well before its duration, or a WebM/Matroska file shorter than
// the size its header declares). Truncation is checked only when decoding reaches the
// end of the file: asking for fewer frames than a cut file still holds is no error.
#pragma once
#include <torch/torch.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>

namespace vds {

// Bumped whenever decodeVideo returns different frames for some file than before, so
// that caches of decoded frames (data/video_import.h) are made again.
// 2: display-matrix rotation is applied.
inline constexpr int kVideoDecoderVersion = 2;

struct VideoInfo {
  int64_t width = 0, height = 0;  // of the frames as shown (after rotation)
  int rotationDegrees = 0;     // the display matrix's clockwise turn that is applied: 0, 90, 180, 270
  bool mirrored = false;       // the display matrix also mirrors, and that is applied too
  double fps = 0;              // the stream's average frame rate; 0 when unknown
  int64_t frames = 0;          // frame count the container declares; 0 when unknown
  double durationSeconds = 0;  // 0 when unknown
  std::string codec;           // e.g. "h264", "vp9", "gif"
  std::string container;       // e.g. "mov,mp4,m4a,3gp,3g2,mj2"
};

// Reads the headers only (no decoding).
VideoInfo probeVideo(const std::filesystem::path& file);

inline constexpr int64_t kDefaultMaxDecodedFrames = 10000;

struct VideoDecodeOptions {
  // 0: every frame up to the end (at most maxFrames). N > 0: exactly N frames; a clip
  // that ends sooner holds its last frame (DecodedVideo::heldFrames counts them).
  int64_t frames = 0;
  // 0: the source's own frames. > 0: resample to this rate as described above.
  double fps = 0;
  // 0: the source size. S > 0: the centred square crop, resized to S x S (area
  // averaging when shrinking, bilinear when growing).
  int64_t size = 0;
  // A guard against decoding a very long file into memory when frames is 0:
  // FormatError naming the file when it would give more frames than this.
  int64_t maxFrames = kDefaultMaxDecodedFrames;
  int threads = 1;  // decoder threads; 0 lets FFmpeg choose
  const std::atomic<bool>* cancel = nullptr;  // optional; true throws CancelledError
};

struct DecodedVideo {
  torch::Tensor frames;  // uint8 [F, H, W, 3]
  double fps = 0;        // of `frames`: the requested rate, or the source's
  int64_t heldFrames = 0;     // trailing copies of the last frame added to reach `frames`
  int64_t sourceFrames = 0;   // frames decoded from the file
  double sourceFps = 0;
  int64_t sourceWidth = 0, sourceHeight = 0;  // upright, as VideoInfo
  int rotationDegrees = 0;                     // as VideoInfo
  bool mirrored = false;
};

DecodedVideo decodeVideo(const std::filesystem::path& file, const VideoDecodeOptions& options = {});

}  // namespace vds
