// Video files for the studio, as plain values: exporting clips through io/clip_export.h
// (the code `vdstudio-cli export` uses) and decoding a file through io/video_decoder.h
// for preview. Only video_export.cpp sees LibTorch; the dialog and the views see this.
#pragma once
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

#include "ui/video_clips.h"

namespace vds::ui {

enum class ExportFormat { mp4, webm, gif, png };
inline constexpr ExportFormat kExportFormats[] = {ExportFormat::mp4, ExportFormat::webm, ExportFormat::gif,
                                                  ExportFormat::png};

// "mp4", "webm", "gif" or "png": the file suffix, and the name kept in settings.
QString exportFormatKey(ExportFormat format);
// The format of a key; `fallback` for anything else.
ExportFormat exportFormatFromKey(const QString& key, ExportFormat fallback = ExportFormat::mp4);
// Whether this FFmpeg build has the format's encoder (PNG always).
bool exportFormatAvailable(ExportFormat format);
// The encoder's quality range (constant rate factor) and default: x264 [0, 51] 18, VP9
// [0, 63] 30; {0, 0, -1} for GIF and PNG, which have none.
struct CrfRange {
  int min = 0, max = 0, defaultValue = -1;
};
CrfRange exportCrfRange(ExportFormat format);
// The most frames per second the encoder takes, and the largest integer upscale the
// dialog offers (the encoder allows more; a 16x clip of the studio's sizes is already 512 px).
inline constexpr double kMaxExportFps = 240.0;
inline constexpr int kMaxExportScale = 16;

// Something a view can export: clips (one each, in grid order, row by row; an empty
// one is a cell without a result, drawn blank) and how to label them. One clip with
// no title and no labels is written as it is; anything else is a labelled grid
// (io/composite.h).
struct ExportSource {
  QString name;         // what the dialog lists it as
  QString fileStem;     // suggested file name, without suffix
  std::vector<VideoClips> clips;
  QString title;        // the grid's caption row; empty: none
  // Explicit grid labels: one per column and/or one per row; `columns` clips per row
  // (0: from the labels, else near-square).
  QStringList columnLabels, rowLabels;
  int columns = 0;
  // When there are no explicit labels: one label per clip (the view's captions), laid
  // out as the CLI does (io/clip_export.h gridForLabels).
  QStringList clipLabels;

  double fps() const;  // the first non-empty clip's rate; kDefaultSampleFps without one
  int frames() const;  // the longest clip
  bool empty() const;  // no clip has frames
};

struct ExportSettings {
  ExportFormat format = ExportFormat::mp4;
  QString path;        // the file; for PNG frames D/name.png writes D/name_0000.png ...
  double fps = kDefaultSampleFps;
  int scale = 1;               // integer nearest-neighbour upscale of the clips
  int width = 0, height = 0;   // instead of scale: area/bilinear resize to this size (0 keeps the aspect)
  int crf = -1;                // MP4/WebM quality; -1: the format's default
  int gifLoop = 0;             // GIF: 0 loops forever, -1 plays once, N repeats N times
};

struct ExportResult {
  bool ok = false;
  bool cancelled = false;
  QString error;       // when !ok and not cancelled; names the file
  QString path;        // the file, or the first PNG frame
  QStringList files;   // every file written
  int frames = 0, width = 0, height = 0;  // as written
  qint64 bytes = 0;
};

// Receives (frames done, total); returning false cancels the encode.
using ExportProgress = std::function<bool(int done, int total)>;

// Encodes `source` on the calling thread with the settings' format (the path's suffix is
// not consulted). Never throws: failures and cancellation are in the result, and leave
// no partial file behind (an existing file at the path is kept).
ExportResult runExport(const ExportSource& source, const ExportSettings& settings, const ExportProgress& progress = {});

// The PNG frame files runExport writes for `path` and `frames` frames.
QStringList pngFramePaths(const QString& path, int frames);

struct LoadedVideo {
  bool ok = false;
  QString error;        // names the file
  VideoClips clips;     // one clip; fps is the stream's own rate
  int sourceFrames = 0; // frames in the file (more than clips.frames when it was cut short)
};

// The frames of a video file (anything FFmpeg reads), at its own size and rate, for
// preview. At most `maxFrames` frames and `maxBytes` of pixels are kept: a longer file
// shows its beginning (sourceFrames says how much there was). Never throws.
inline constexpr int kMaxPreviewFrames = 2000;
inline constexpr qint64 kMaxPreviewBytes = qint64{1} << 30;
LoadedVideo loadVideoFile(const QString& path, int maxFrames = kMaxPreviewFrames, qint64 maxBytes = kMaxPreviewBytes);

}  // namespace vds::ui
