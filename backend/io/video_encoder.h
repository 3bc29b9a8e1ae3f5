// Writes clips as MP4 (H.264, libx264), WebM (VP9, libvpx-vp9), animated GIF or PNG
// frames, through FFmpeg's libraries (never an ffmpeg binary).
//
// - MP4 and WebM are yuv420p. 4:2:0 chroma needs an even width and height for H.264,
//   so an MP4 of an odd-sized clip is padded by one row and/or column that repeats the
//   last one (edge replication): a 33x17 clip is written as 34x18. VP9 codes odd sizes
//   itself, so WebM keeps the size exactly. Colours are converted with the BT.709
//   matrix at limited range and tagged so, so players and our decoder agree.
// - GIF uses one palette for the whole clip (io/gif_palette.h): a clip of at most 256
//   colours is written losslessly. The frame delay is rounded to GIF's 1/100 s.
// - PNG frames are written with io/image_io's writePng, losslessly.
// - MP4 can carry a display-matrix rotation (rotationDegrees): the pixels are written as
//   given and players (and io/video_decoder) turn them when showing them, as phones do.
// Files are written atomically: to a temporary sibling, renamed over the target only
// when complete. A failure or a cancellation leaves no partial file behind.
#pragma once
#include <torch/torch.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vds {

enum class VideoFormat { mp4, webm, gif, png };

const char* videoFormatName(VideoFormat format);
// "mp4", "webm", "gif" or "png"; ConfigError listing them otherwise.
VideoFormat parseVideoFormat(const std::string& name);
// From the path: .mp4, .webm, .gif (case-insensitive); .png or a path with no extension
// or a trailing '/' (a directory) for PNG frames. ConfigError naming the path otherwise.
VideoFormat videoFormatFromPath(const std::filesystem::path& path);

// Where PNG frames go: for a directory D, D/frame_0000.png ...; for a path D/name.png,
// D/name_0000.png ... (four digits at least, more when the clip needs them).
std::filesystem::path pngFramePath(const std::filesystem::path& target, int64_t frame, int64_t frameCount);

// Receives (frames done, total frames); returning false cancels the encode.
using EncodeProgress = std::function<bool(int64_t done, int64_t total)>;

inline constexpr double kDefaultVideoFps = 8.0;
inline constexpr int kMaxVideoScale = 64;
inline constexpr int kMaxCrfMp4 = 51;       // x264's CRF range is [0, 51]
inline constexpr int kMaxCrfWebm = 63;      // libvpx-vp9's is [0, 63]
inline constexpr int kDefaultCrfMp4 = 18;   // x264: visually near-lossless
inline constexpr int kDefaultCrfWebm = 30;  // libvpx-vp9's usual constant-quality point

struct VideoEncodeSettings {
  std::optional<VideoFormat> format;  // unset: from the output path
  double fps = kDefaultVideoFps;      // frames per second, (0, 240]
  int scale = 1;                      // integer nearest-neighbour upscale, [1, 64]
  // Target size with area/bilinear scaling (io/video_frames.h resizeFrames); 0 keeps the
  // size. Exclusive with scale > 1. Set both, or one to keep the aspect ratio.
  int width = 0, height = 0;
  int crf = -1;      // constant rate factor, lower is better: x264 [0, 51], VP9 [0, 63]; -1: default
  int gifLoop = 0;   // GIF: 0 loops forever, -1 plays once, N > 0 repeats N times
  std::string x264Preset = "medium";
  // MP4 only: tag the stream with a display matrix that turns the frames this many
  // degrees clockwise when shown (0, 90, 180 or 270; FFmpeg's av_display_rotation_set).
  // The pixels and the reported size stay as given. 0 writes no matrix.
  int rotationDegrees = 0;
  int threads = 1;   // encoder threads; 0 lets FFmpeg choose
  EncodeProgress progress;                   // optional
  const std::atomic<bool>* cancel = nullptr;  // optional; true cancels
};

struct EncodeReport {
  std::filesystem::path path;  // the file, or the folder holding the PNG frames
  VideoFormat format = VideoFormat::mp4;
  int64_t frames = 0;
  int64_t width = 0, height = 0;  // as written (after scaling and padding)
  bool padded = false;            // an odd size was padded to even
  bool exactPalette = false;      // GIF: the clip's own colours, so lossless
  uint64_t bytes = 0;             // total size written
};

// Encodes a clip (any layout io/video_frames.h clipToFrames accepts: float [F,3,H,W]
// in [-1,1], uint8 [F,3,H,W] or uint8 [F,H,W,3]). Errors:
//  - ConfigError for bad settings, naming the setting;
//  - DataError for a tensor that is not a clip;
//  - IoError naming the file and FFmpeg's error text when encoding or writing fails,
//    or when FFmpeg lacks the encoder (libx264, libvpx-vp9, gif);
//  - CancelledError when progress returns false or *cancel becomes true; the partial
//    output is removed.
EncodeReport encodeVideo(const std::filesystem::path& out, const torch::Tensor& clip,
                         const VideoEncodeSettings& settings = {});
// The same for a list of uint8 [H, W, 3] frames of one size.
EncodeReport encodeVideo(const std::filesystem::path& out, const std::vector<torch::Tensor>& rgbFrames,
                         const VideoEncodeSettings& settings = {});

// The FFmpeg encoder a format needs ("libx264", "libvpx-vp9", "gif"; "" for png), and
// whether this FFmpeg build has it.
const char* encoderNameFor(VideoFormat format);
bool hasEncoderFor(VideoFormat format);

}  // namespace vds
