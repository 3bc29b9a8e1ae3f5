// Video output shared by `export` and `sample`: options, grid layout and a progress bar.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/cli_common.h"

namespace vds::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxLoop = 65535;

// Rows of the grid: equal runs of one label each, or one row per clip.
GridOptions gridFor(const std::vector<torch::Tensor>& clips, const std::vector<std::string>& labels) {
  GridOptions grid;
  const bool anyLabel = std::any_of(labels.begin(), labels.end(), [](const std::string& l) { return !l.empty(); });
  if (labels.size() != clips.size() || !anyLabel) return grid;
  std::vector<std::string> runs;
  std::vector<size_t> lengths;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i == 0 || labels[i] != labels[i - 1]) {
      runs.push_back(labels[i]);
      lengths.push_back(0);
    }
    ++lengths.back();
  }
  const bool equalRuns = std::all_of(lengths.begin(), lengths.end(), [&](size_t n) { return n == lengths.front(); });
  if (equalRuns) {
    grid.rowLabels = runs;
    grid.columns = static_cast<int64_t>(lengths.front());
  } else {
    grid.rowLabels = labels;
    grid.columns = 1;
  }
  return grid;
}

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
  const VideoFormat format = parseOption("--out", out, [](const std::string& o) { return videoFormatFromPath(o); });
  if (!hasEncoderFor(format))
    throw IoError("--out '" + out + "': this FFmpeg build has no '" + encoderNameFor(format) + "' encoder");
  const fs::path path(out);
  if (format != VideoFormat::png && path.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw IoError("--out: cannot create directory '" + path.parent_path().string() + "': " + ec.message());
  }

  torch::Tensor video;
  VideoEncodeSettings settings;
  if (clips.size() == 1 && title.empty()) {
    video = clips.front();
    settings.scale = scale;
  } else {
    GridOptions grid = gridFor(clips, labels);
    grid.title = title;
    grid.scale = scale;
    video = compositeGrid(clips, grid);
  }
  settings.fps = args.fps;
  settings.crf = args.crf;
  settings.gifLoop = args.loop;
  ProgressBar bar(isatty(fileno(stderr)) != 0);
  ProgressTracker tracker("encode", video.size(0), [&bar](const ProgressUpdate& u) { bar(u); });
  settings.progress = [&tracker](int64_t done, int64_t) {
    tracker.set(done);
    return true;
  };
  const EncodeReport report = encodeVideo(path, video, settings);
  bar.finish();
  return report;
}

}  // namespace vds::cli
