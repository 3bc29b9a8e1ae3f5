#include "ui/samples_view.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

#include "ui/export_dialog.h"
#include "ui/saved_samples.h"

namespace vds::ui {
namespace {

// A file name from a label: letters, digits, '-', '_' and '.', the rest as '-'.
QString fileStemOf(const QString& text) {
  QString out;
  for (const QChar c : text) {
    const bool plain = c.isLetterOrNumber() || c == QLatin1Char('-') || c == QLatin1Char('_') || c == QLatin1Char('.');
    out += plain ? c : QLatin1Char('-');
  }
  return out.isEmpty() ? QStringLiteral("preview") : out;
}

}  // namespace

SamplesView::SamplesView(QWidget* parent) : QWidget(parent) {
  clock_ = clockFor(kDefaultSampleFps);
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  play_ = new QPushButton(tr("Pause"));
  controls->addWidget(play_);
  auto* open = new QPushButton(tr("&Open video…"));
  open->setToolTip(tr("Show a video file (MP4, WebM, GIF, …) beside the previews, at its own frame rate"));
  controls->addWidget(open);
  export_ = new QPushButton(tr("E&xport…"));
  export_->setToolTip(tr("Write the preview shown under History as MP4, WebM, GIF or PNG frames"));
  export_->setEnabled(false);
  controls->addWidget(export_);
  videoStatus_ = new QLabel;
  videoStatus_->setWordWrap(true);
  videoStatus_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  controls->addWidget(videoStatus_, 1);
  layout->addLayout(controls);
  connect(play_, &QPushButton::clicked, this, [this] { setPlaying(!playing_); });
  connect(open, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Open video"), {},
                                                      tr("Videos (*.mp4 *.webm *.gif *.mkv *.mov *.avi);;All files (*)"));
    if (!file.isEmpty()) openVideoFile(file);
  });
  connect(export_, &QPushButton::clicked, this, &SamplesView::openExportDialog);

  auto* split = new QSplitter(Qt::Vertical);
  auto* latestBox = new QGroupBox(tr("Newest previews"));
  latestGrid_ = new QGridLayout(latestBox);
  placeholder_ = new QLabel(tr("Previews appear here at every trainer.sample_every steps, or press Sample now."));
  placeholder_->setAlignment(Qt::AlignCenter);
  latestGrid_->addWidget(placeholder_, 0, 0);
  split->addWidget(latestBox);

  auto* historyBox = new QGroupBox(tr("History"));
  auto* h = new QVBoxLayout(historyBox);
  auto* hc = new QHBoxLayout;
  historyLabel_ = new QComboBox;
  hc->addWidget(historyLabel_);
  historySlider_ = new QSlider(Qt::Horizontal);
  historySlider_->setEnabled(false);
  hc->addWidget(historySlider_, 1);
  historyStepLabel_ = new QLabel;
  hc->addWidget(historyStepLabel_);
  h->addLayout(hc);
  historyView_ = new ClipGridView;
  historyView_->setClock(clock_);
  h->addWidget(historyView_, 1);
  split->addWidget(historyBox);
  layout->addWidget(split, 1);

  connect(historyLabel_, &QComboBox::currentTextChanged, this, [this] {
    const auto it = samples_.find(historyLabel_->currentText());
    const int n = it == samples_.end() ? 0 : static_cast<int>(it->second.size());
    historySlider_->setRange(0, std::max(0, n - 1));
    historySlider_->setValue(std::max(0, n - 1));
    historySlider_->setEnabled(n > 1);
    refreshHistory();
  });
  connect(historySlider_, &QSlider::valueChanged, this, [this] { refreshHistory(); });
  setPlaying(true);
}

PlaybackClock* SamplesView::clockFor(double fps) {
  const auto key = static_cast<int64_t>(std::llround(fps * 1000.0));
  PlaybackClock*& clock = clocks_[key];
  if (!clock) {
    clock = new PlaybackClock(this);
    clock->setFps(fps);
    if (playing_) clock->play();
  }
  return clock;
}

PlaybackClock* SamplesView::clockOf(const QString& label) const {
  const auto it = latest_.find(label);
  if (it == latest_.end() || samples_.count(label) == 0) return nullptr;
  const double fps = samples_.at(label).rbegin()->second.fps;
  const auto clock = clocks_.find(static_cast<int64_t>(std::llround(fps * 1000.0)));
  return clock == clocks_.end() ? nullptr : clock->second;
}

QString SamplesView::videoStatus() const { return videoStatus_->text(); }

void SamplesView::setPlaying(bool playing) {
  playing_ = playing;
  for (auto& [rate, clock] : clocks_) playing ? clock->play() : clock->pause();
  play_->setText(playing ? tr("Pause") : tr("Play"));
}

void SamplesView::openVideoFile(const QString& path) {
  videoStatus_->setStyleSheet(QString());
  videoStatus_->setText(tr("opening %1…").arg(QDir::toNativeSeparators(path)));
  auto* watcher = new QFutureWatcher<LoadedVideo>(this);
  connect(watcher, &QFutureWatcher<LoadedVideo>::finished, this, [this, watcher, path] {
    const LoadedVideo video = watcher->result();
    watcher->deleteLater();
    if (!video.ok) {
      videoStatus_->setStyleSheet(QStringLiteral("color: #c0392b"));
      videoStatus_->setText(tr("Could not open %1: %2").arg(QDir::toNativeSeparators(path), video.error));
      Q_EMIT videoOpened(QString(), video.error);
      return;
    }
    const QString label = QFileInfo(path).fileName();
    files_.insert(label);
    samples_.erase(label);  // opening a file again replaces it
    addClips(label, 0, video.clips);
    historyLabel_->setCurrentText(label);
    QString note;
    if (video.sourceFrames > video.clips.frames)
      note = tr("showing the first %1 of %2 frames").arg(video.clips.frames).arg(video.sourceFrames);
    videoStatus_->setText(note.isEmpty() ? QString() : QStringLiteral("%1: %2").arg(label, note));
    Q_EMIT videoOpened(label, note);
  });
  watcher->setFuture(QtConcurrent::run([path] { return loadVideoFile(path); }));
}

void SamplesView::addSample(const SampleEvent& sample) {
  addClips(QString::fromStdString(sample.label), sample.step, VideoClips::fromSample(sample));
}

QString SamplesView::titleOf(const QString& label, int64_t step, const VideoClips& clips) const {
  const QString rate = QLocale().toString(clips.fps, 'g', 4);
  if (files_.count(label)) return tr("%1 · %2 fps · %n frame(s)", "", clips.frames).arg(label, rate);
  return tr("%1 · step %2 · %3 fps").arg(label).arg(step).arg(rate);
}

void SamplesView::addClips(const QString& label, int64_t step, const VideoClips& clips) {
  PlaybackClock* clock = clockFor(clips.fps);
  clock->setFrameCount(std::max(clock->frameCount(), clips.frames));
  auto& steps = samples_[label];
  steps[step] = clips;
  placeholder_->setVisible(false);
  export_->setEnabled(true);
  auto& view = latest_[label];
  if (!view) {
    view = new ClipGridView;
    view->setSingleRow(isTriptych(label));
    // Triptychs get a whole row; other labels share rows two by two.
    int row = 1, column = 0;
    if (isTriptych(label)) {
      row = latestGrid_->rowCount();
      latestGrid_->addWidget(view, row, 0, 1, 2);
    } else {
      const int plain = static_cast<int>(std::count_if(latest_.begin(), latest_.end(), [](const auto& e) {
                          return e.second && !isTriptych(e.first);
                        })) - 1;
      row = 1 + plain / 2;
      column = plain % 2;
      latestGrid_->addWidget(view, row, column);
    }
    if (historyLabel_->findText(label) < 0) historyLabel_->addItem(label);
  }
  view->setClock(clock);
  view->setTitle(titleOf(label, step, clips));
  view->setClips(clips);
  if (historyLabel_->currentText() == label) {
    const bool atEnd = historySlider_->value() >= historySlider_->maximum();
    historySlider_->setRange(0, static_cast<int>(steps.size()) - 1);
    historySlider_->setEnabled(steps.size() > 1);
    if (atEnd) historySlider_->setValue(historySlider_->maximum());
    refreshHistory();
  }
}

void SamplesView::clear() {
  for (auto& [label, view] : latest_) view->deleteLater();
  latest_.clear();
  samples_.clear();
  historyLabel_->clear();
  historyView_->setClips({});
  placeholder_->setVisible(true);
  export_->setEnabled(false);
  files_.clear();
}

QStringList SamplesView::loadSavedSamples(const std::filesystem::path& runDir) {
  clear();
  const SavedSamples saved = readSavedSamples(runDir);
  for (const SampleEvent& sample : saved.samples) addSample(sample);
  return saved.skipped;
}

void SamplesView::refreshHistory() {
  const auto it = samples_.find(historyLabel_->currentText());
  if (it == samples_.end() || it->second.empty()) {
    historyView_->setClips({});
    historyStepLabel_->clear();
    return;
  }
  auto step = it->second.begin();
  std::advance(step, std::clamp(historySlider_->value(), 0, static_cast<int>(it->second.size()) - 1));
  historyView_->setSingleRow(isTriptych(it->first));
  historyView_->setClock(clockFor(step->second.fps));
  historyView_->setClips(step->second);
  historyView_->setTitle(titleOf(it->first, step->first, step->second));
  historyStepLabel_->setText(tr("step %1 (%2 of %3)")
                                 .arg(step->first)
                                 .arg(historySlider_->value() + 1)
                                 .arg(it->second.size()));
}

QStringList SamplesView::labels() const {
  QStringList out;
  for (const auto& [label, steps] : samples_) out << label;
  return out;
}

int SamplesView::sampleCount(const QString& label) const {
  const auto it = samples_.find(label);
  return it == samples_.end() ? 0 : static_cast<int>(it->second.size());
}

int SamplesView::latestStep(const QString& label) const {
  const auto it = samples_.find(label);
  return it == samples_.end() || it->second.empty() ? -1 : static_cast<int>(it->second.rbegin()->first);
}

const VideoClips* SamplesView::latestClips(const QString& label) const {
  const auto it = samples_.find(label);
  return it == samples_.end() || it->second.empty() ? nullptr : &it->second.rbegin()->second;
}

QString SamplesView::historyLabel() const { return historyLabel_->currentText(); }

int SamplesView::historyStep() const {
  const auto it = samples_.find(historyLabel_->currentText());
  if (it == samples_.end() || it->second.empty()) return -1;
  auto step = it->second.begin();
  std::advance(step, std::clamp(historySlider_->value(), 0, static_cast<int>(it->second.size()) - 1));
  return static_cast<int>(step->first);
}

std::vector<ExportSource> SamplesView::exportSources() const {
  const auto it = samples_.find(historyLabel_->currentText());
  if (it == samples_.end() || it->second.empty()) return {};
  auto step = it->second.begin();
  std::advance(step, std::clamp(historySlider_->value(), 0, static_cast<int>(it->second.size()) - 1));
  const QString& label = it->first;
  const VideoClips& clips = step->second;
  const bool file = files_.count(label) > 0;
  ExportSource grid;
  grid.fileStem = fileStemOf(file ? QFileInfo(label).completeBaseName() : QStringLiteral("%1-step%2").arg(label).arg(step->first));
  for (int c = 0; c < clips.clips; ++c) grid.clips.push_back(clips.clip(c));
  if (!file) {
    grid.title = tr("%1 · step %2").arg(label).arg(step->first);
    if (isTriptych(label)) {
      grid.columnLabels = clips.captions.mid(0, clips.clips);
      if (grid.columnLabels.size() != clips.clips) grid.columnLabels.clear();
      grid.columns = clips.clips;
    } else {
      grid.clipLabels = clips.captions;
    }
  }
  return ExportDialog::gridAndClips(grid);
}

ExportDialog* SamplesView::openExportDialog() {
  auto* dialog = new ExportDialog(exportSources(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->open();
  return dialog;
}

void SamplesView::showHistory(const QString& label, int stepIndex) {
  historyLabel_->setCurrentText(label);
  historySlider_->setValue(stepIndex);
  refreshHistory();
}

}  // namespace vds::ui
