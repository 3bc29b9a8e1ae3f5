// Video output shared by `export` and `sample`: options and a progress bar around
// io/clip_export.h, which the studio's Export dialog calls too.
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "cli/cli_common.h"
#include "io/clip_export.h"

namespace vds::cli {
namespace {

constexpr int kMaxLoop = 65535;

}  // namespace

void addVideoOutputOptions(CLI::App* command, VideoOutputArgs& args) {
  command->add_option("--fps", args.fps, "Frames per second of .mp4, .webm and .gif output")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 240.0));
  command->add_option("--crf", args.crf,
                      "Quality of .mp4 (x264, 0-51) and .webm (VP9, 0-63) output; lower is better; -1: 18 for mp4, "
                      "30 for webm")
      ->capture_default_str()
      ->check(CLI::Range(-1, 63));
  command->add_option("--loop", args.loop, "GIF loop count: 0 loops forever, -1 plays once, N repeats N times")
      ->capture_default_str()
      ->check(CLI::Range(-1, kMaxLoop));
}

EncodeReport writeClips(const std::string& out, const std::vector<torch::Tensor>& clips,
                        const std::vector<std::string>& labels, const std::string& title, int scale,
                        const VideoOutputArgs& args) {
  if (clips.empty()) throw DataError("nothing to write to '" + out + "': no clips");
  VideoEncodeSettings settings;
  settings.format = parseOption("--out", out, [](const std::string& o) { return videoFormatFromPath(o); });
  settings.scale = scale;
  settings.fps = args.fps;
  settings.crf = args.crf;
  settings.gifLoop = args.loop;
  const GridOptions grid = gridForLabels(clips.size(), labels, title);
  ProgressBar bar(isatty(fileno(stderr)) != 0);
  std::optional<ProgressTracker> tracker;
  settings.progress = [&](int64_t done, int64_t total) {
    if (!tracker) tracker.emplace("encode", total, [&bar](const ProgressUpdate& u) { bar(u); });
    tracker->set(done);
    return true;
  };
  const EncodeReport report = writeClipsVideo(out, clips, grid, settings);
  bar.finish();
  return report;
}

}  // namespace vds::cli
