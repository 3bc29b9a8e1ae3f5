// Samples: the newest preview of every label plays as a loop; below, a slider walks
// through every step's samples of one label. A label containing "triptych" is laid out
// as one row with captions (e.g. student | teacher | style), wherever it appears.
// Open video… adds a video file (decoded off the UI thread) as a label of its own.
// Every clip plays at its own rate: clips of one rate share a PlaybackClock.
// Export… writes the history panel's current preview (ui/export_dialog.h).
#pragma once
#include <QWidget>

#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "train/events.h"
#include "ui/playback.h"
#include "ui/video_export.h"

class QComboBox;
class QGridLayout;
class QLabel;
class QPushButton;
class QSlider;

namespace vds::ui {

class ExportDialog;

class SamplesView : public QWidget {
  Q_OBJECT
 public:
  explicit SamplesView(QWidget* parent = nullptr);

  void addSample(const SampleEvent& sample);
  void clear();
  // Decodes a video file on a worker thread and shows it as a label named after the
  // file, playing at the file's own frame rate; videoOpened() follows.
  void openVideoFile(const QString& path);
  // Replaces the samples with the previews RUN saved (a resumed or browsed run); returns
  // the sheets that could not be read, with the reason (see saved_samples.h).
  QStringList loadSavedSamples(const std::filesystem::path& runDir);
  // Labels seen so far and the steps stored for one of them.
  QStringList labels() const;
  int sampleCount(const QString& label) const;
  int latestStep(const QString& label) const;
  // The newest clips of a label; null when none arrived.
  const VideoClips* latestClips(const QString& label) const;
  // The clock of the previews' rate (SampleEvent::fps, 8 by default).
  PlaybackClock* clock() { return clock_; }
  // The clock a label's clips play on (null for an unknown label).
  PlaybackClock* clockOf(const QString& label) const;
  // What Export… offers: the history panel's preview as a grid, then each of its clips.
  std::vector<ExportSource> exportSources() const;
  // Opens the Export dialog on exportSources() (non-modal to the caller; it deletes itself).
  ExportDialog* openExportDialog();
  QPushButton* exportButton() const { return export_; }
  // What the last Open video… said: an error naming the file, or that only the first
  // frames are shown; empty when the file opened whole.
  QString videoStatus() const;
  // The history panel's current (label, step).
  QString historyLabel() const;
  int historyStep() const;
  void showHistory(const QString& label, int stepIndex);

 Q_SIGNALS:
  // After openVideoFile: the label it was added as, or the error naming the file.
  void videoOpened(const QString& label, const QString& error);

 private:
  void addClips(const QString& label, int64_t step, const VideoClips& clips);
  QString titleOf(const QString& label, int64_t step, const VideoClips& clips) const;
  PlaybackClock* clockFor(double fps);
  void setPlaying(bool playing);
  void refreshHistory();
  static bool isTriptych(const QString& label) { return label.contains(QLatin1String("triptych"), Qt::CaseInsensitive); }

  PlaybackClock* clock_ = nullptr;
  std::map<int64_t, PlaybackClock*> clocks_;  // by rate in millihertz
  bool playing_ = true;
  std::map<QString, std::map<int64_t, VideoClips>> samples_;  // label -> step -> clips
  std::set<QString> files_;  // labels that are opened video files
  std::map<QString, ClipGridView*> latest_;
  QGridLayout* latestGrid_ = nullptr;
  QComboBox* historyLabel_ = nullptr;
  QSlider* historySlider_ = nullptr;
  QLabel* historyStepLabel_ = nullptr;
  ClipGridView* historyView_ = nullptr;
  QLabel* placeholder_ = nullptr;
  QPushButton* play_ = nullptr;
  QPushButton* export_ = nullptr;
  QLabel* videoStatus_ = nullptr;
};

}  // namespace vds::ui
