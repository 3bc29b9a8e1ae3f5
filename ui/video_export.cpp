// The studio's only door to the video encoder and decoder (LibTorch and FFmpeg behind
// plain values); see video_export.h.
#include "ui/video_export.h"

#include <QCoreApplication>

#include <algorithm>
#include <filesystem>
#include <string>

#include "core/errors.h"
#include "io/clip_export.h"
#include "io/video_decoder.h"
#include "io/video_encoder.h"

namespace fs = std::filesystem;

namespace vds::ui {
namespace {

VideoFormat backendFormat(ExportFormat format) {
  switch (format) {
    case ExportFormat::mp4: return VideoFormat::mp4;
    case ExportFormat::webm: return VideoFormat::webm;
    case ExportFormat::gif: return VideoFormat::gif;
    case ExportFormat::png: return VideoFormat::png;
  }
  return VideoFormat::mp4;
}

std::vector<std::string> toStd(const QStringList& list) {
  std::vector<std::string> out;
  for (const QString& s : list) out.push_back(s.toStdString());
  return out;
}

// One clip of a VideoClips as uint8 [F, H, W, 3], owning its bytes.
torch::Tensor clipTensor(const VideoClips& v, int clip) {
  const int64_t clipBytes = int64_t{v.frames} * v.height * v.width * 3;
  auto* base = const_cast<uint8_t*>(v.rgb.data()) + clipBytes * clip;
  return torch::from_blob(base, {v.frames, v.height, v.width, 3}, torch::kUInt8).clone();
}

struct Prepared {
  std::vector<torch::Tensor> clips;
  GridOptions grid;
};

// The source's clips as tensors (a cell without frames becomes one blank frame of the
// grid's background at the first clip's size) and the grid that labels them.
Prepared prepare(const ExportSource& source) {
  const VideoClips* first = nullptr;
  for (const VideoClips& v : source.clips)
    if (!v.empty() && v.rgb.size() >= size_t(v.clips) * v.frames * v.height * v.width * 3) {
      first = &v;
      break;
    }
  if (first == nullptr) throw DataError(
        QCoreApplication::translate("vds::ui::VideoExport", "there is nothing to export: no clip has frames yet")
            .toStdString());
  Prepared p;
  for (const VideoClips& v : source.clips) {
    if (v.empty() || v.rgb.size() < size_t(v.clips) * v.frames * v.height * v.width * 3) {
      torch::Tensor blank = torch::empty({1, first->height, first->width, 3}, torch::kUInt8);
      for (int64_t k = 0; k < 3; ++k) blank.select(3, k).fill_(static_cast<int64_t>(p.grid.background[k]));
      p.clips.push_back(blank);
      continue;
    }
    for (int c = 0; c < v.clips; ++c) p.clips.push_back(clipTensor(v, c));
  }
  const std::string title = source.title.toStdString();
  if (!source.columnLabels.isEmpty() || !source.rowLabels.isEmpty()) {
    p.grid.title = title;
    p.grid.columnLabels = toStd(source.columnLabels);
    p.grid.rowLabels = toStd(source.rowLabels);
    p.grid.columns = source.columns;
  } else {
    p.grid = gridForLabels(p.clips.size(), toStd(source.clipLabels), title);
    if (p.grid.columns == 0) p.grid.columns = source.columns;
  }
  return p;
}

}  // namespace

QString exportFormatKey(ExportFormat format) { return QString::fromLatin1(videoFormatName(backendFormat(format))); }

ExportFormat exportFormatFromKey(const QString& key, ExportFormat fallback) {
  for (ExportFormat f : kExportFormats)
    if (key.compare(exportFormatKey(f), Qt::CaseInsensitive) == 0) return f;
  return fallback;
}

bool exportFormatAvailable(ExportFormat format) { return hasEncoderFor(backendFormat(format)); }

CrfRange exportCrfRange(ExportFormat format) {
  switch (format) {
    case ExportFormat::mp4: return {0, kMaxCrfMp4, kDefaultCrfMp4};
    case ExportFormat::webm: return {0, kMaxCrfWebm, kDefaultCrfWebm};
    case ExportFormat::gif:
    case ExportFormat::png: break;
  }
  return {};
}

double ExportSource::fps() const {
  for (const VideoClips& v : clips)
    if (!v.empty()) return v.fps;
  return kDefaultSampleFps;
}

int ExportSource::frames() const {
  int most = 0;
  for (const VideoClips& v : clips) most = std::max(most, v.frames);
  return most;
}

bool ExportSource::empty() const {
  return std::all_of(clips.begin(), clips.end(), [](const VideoClips& v) { return v.empty(); });
}

QStringList pngFramePaths(const QString& path, int frames) {
  QStringList out;
  for (int f = 0; f < frames; ++f)
    out << QString::fromStdString(pngFramePath(fs::path(path.toStdString()), f, frames).string());
  return out;
}

ExportResult runExport(const ExportSource& source, const ExportSettings& settings, const ExportProgress& progress) {
  ExportResult result;
  try {
    if (settings.path.trimmed().isEmpty())
      throw ConfigError(QCoreApplication::translate("vds::ui::VideoExport", "no output file is chosen").toStdString());
    const Prepared prepared = prepare(source);
    VideoEncodeSettings encode;
    encode.format = backendFormat(settings.format);
    encode.fps = settings.fps;
    encode.scale = settings.scale;
    encode.width = settings.width;
    encode.height = settings.height;
    encode.crf = settings.crf;
    encode.gifLoop = settings.gifLoop;
    if (progress)
      encode.progress = [&progress](int64_t done, int64_t total) {
        return progress(static_cast<int>(done), static_cast<int>(total));
      };
    const EncodeReport report = writeClipsVideo(fs::path(settings.path.toStdString()), prepared.clips,
                                                prepared.grid, encode);
    result.ok = true;
    result.frames = static_cast<int>(report.frames);
    result.width = static_cast<int>(report.width);
    result.height = static_cast<int>(report.height);
    result.bytes = static_cast<qint64>(report.bytes);
    result.files = settings.format == ExportFormat::png ? pngFramePaths(settings.path, result.frames)
                                                        : QStringList{settings.path};
    result.path = result.files.value(0);
  } catch (const CancelledError&) {
    result.cancelled = true;
  } catch (const std::exception& e) {
    result.error = QString::fromStdString(e.what());
    // Every message names the file, also those of settings that have no path in them.
    if (!result.error.contains(settings.path)) result.error = QStringLiteral("'%1': %2").arg(settings.path, result.error);
  }
  return result;
}

LoadedVideo loadVideoFile(const QString& path, int maxFrames, qint64 maxBytes) {
  LoadedVideo out;
  try {
    const fs::path file(path.toStdString());
    const VideoInfo info = probeVideo(file);
    const int64_t frameBytes = std::max<int64_t>(1, info.width * info.height * 3);
    const int64_t limit = std::max<int64_t>(1, std::min<int64_t>(maxFrames, maxBytes / frameBytes));
    VideoDecodeOptions options;
    // A file that fits is read whole; a longer one (or one that does not say) is cut at
    // `limit` frames, and the copies of the last frame a shorter one gets are dropped.
    const double estimate = info.frames > 0 ? static_cast<double>(info.frames) : info.durationSeconds * info.fps + 1;
    if (estimate > 1 && estimate <= static_cast<double>(limit)) options.maxFrames = limit;
    else options.frames = limit;
    const DecodedVideo decoded = decodeVideo(file, options);
    const int64_t kept = decoded.frames.size(0) - decoded.heldFrames;
    const torch::Tensor frames = decoded.frames.narrow(0, 0, std::max<int64_t>(1, kept)).contiguous();
    VideoClips& v = out.clips;
    v.clips = 1;
    v.frames = static_cast<int>(frames.size(0));
    v.height = static_cast<int>(frames.size(1));
    v.width = static_cast<int>(frames.size(2));
    v.rgb.assign(frames.data_ptr<uint8_t>(), frames.data_ptr<uint8_t>() + frames.numel());
    v.fps = decoded.fps > 0 ? decoded.fps : kDefaultSampleFps;
    v.captions << QString::fromStdString(file.filename().string());
    out.sourceFrames = static_cast<int>(std::max<int64_t>(info.frames, decoded.sourceFrames));
    out.ok = true;
  } catch (const std::exception& e) {
    out.error = QString::fromStdString(e.what());
    if (!out.error.contains(path)) out.error = QStringLiteral("'%1': %2").arg(path, out.error);
  }
  return out;
}

}  // namespace vds::ui
