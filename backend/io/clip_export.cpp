#include "io/clip_export.h"

#include <algorithm>

#include "core/errors.h"

namespace vds {

namespace fs = std::filesystem;

GridOptions gridForLabels(size_t clipCount, const std::vector<std::string>& labels, const std::string& title) {
  GridOptions grid;
  grid.title = title;
  if (clipCount == 1 && title.empty()) return grid;
  const bool anyLabel = std::any_of(labels.begin(), labels.end(), [](const std::string& l) { return !l.empty(); });
  if (labels.size() != clipCount || !anyLabel) return grid;
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

bool gridHasText(const GridOptions& grid) {
  return !grid.title.empty() || !grid.rowLabels.empty() || !grid.columnLabels.empty();
}

torch::Tensor exportFrames(const std::vector<torch::Tensor>& clips, GridOptions grid, VideoEncodeSettings& settings) {
  if (clips.empty()) throw DataError("nothing to export: no clips");
  if (clips.size() == 1 && !gridHasText(grid)) return clips.front();
  grid.scale = settings.scale;
  settings.scale = 1;
  return compositeGrid(clips, grid);
}

EncodeReport writeClipsVideo(const fs::path& out, const std::vector<torch::Tensor>& clips, const GridOptions& grid,
                             VideoEncodeSettings settings) {
  if (clips.empty()) throw DataError("nothing to write to '" + out.string() + "': no clips");
  const VideoFormat format = settings.format ? *settings.format : videoFormatFromPath(out);
  settings.format = format;
  if (!hasEncoderFor(format))
    throw IoError("cannot write '" + out.string() + "': this FFmpeg build has no '" + encoderNameFor(format) +
                  "' encoder");
  if (format != VideoFormat::png && out.has_parent_path()) {
    std::error_code ec;
    fs::create_directories(out.parent_path(), ec);
    if (ec)
      throw IoError("cannot write '" + out.string() + "': cannot create the folder '" + out.parent_path().string() +
                    "': " + ec.message());
  }
  const torch::Tensor frames = exportFrames(clips, grid, settings);
  return encodeVideo(out, frames, settings);
}

}  // namespace vds
