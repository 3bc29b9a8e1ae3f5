// Samples: the newest preview of every label plays as a loop; below, a slider walks
// through every step's samples of one label. A label containing "triptych" is laid out
// as one row with captions (e.g. student | teacher | style), wherever it appears.
#pragma once
#include <QWidget>

#include <filesystem>
#include <map>

#include "train/events.h"
#include "ui/playback.h"

class QComboBox;
class QGridLayout;
class QLabel;
class QSlider;

namespace vds::ui {

class SamplesView : public QWidget {
  Q_OBJECT
 public:
  explicit SamplesView(QWidget* parent = nullptr);

  void addSample(const SampleEvent& sample);
  void clear();
  // Replaces the samples with the previews RUN saved (a resumed or browsed run); returns
  // the sheets that could not be read, with the reason (see saved_samples.h).
  QStringList loadSavedSamples(const std::filesystem::path& runDir);
  // Labels seen so far and the steps stored for one of them.
  QStringList labels() const;
  int sampleCount(const QString& label) const;
  int latestStep(const QString& label) const;
  // The newest clips of a label; null when none arrived.
  const VideoClips* latestClips(const QString& label) const;
  PlaybackClock* clock() { return clock_; }
  // The history panel's current (label, step).
  QString historyLabel() const;
  int historyStep() const;
  void showHistory(const QString& label, int stepIndex);

 private:
  void refreshHistory();
  static bool isTriptych(const QString& label) { return label.contains(QLatin1String("triptych"), Qt::CaseInsensitive); }

  PlaybackClock* clock_ = nullptr;
  std::map<QString, std::map<int64_t, VideoClips>> samples_;  // label -> step -> clips
  std::map<QString, ClipGridView*> latest_;
  QGridLayout* latestGrid_ = nullptr;
  QComboBox* historyLabel_ = nullptr;
  QSlider* historySlider_ = nullptr;
  QLabel* historyStepLabel_ = nullptr;
  ClipGridView* historyView_ = nullptr;
  QLabel* placeholder_ = nullptr;
};

}  // namespace vds::ui
