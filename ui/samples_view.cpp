#include "ui/samples_view.h"

#include <QComboBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/saved_samples.h"

namespace vds::ui {

SamplesView::SamplesView(QWidget* parent) : QWidget(parent) {
  clock_ = new PlaybackClock(this);
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  auto* play = new QPushButton(tr("Pause"));
  controls->addWidget(play);
  controls->addWidget(new QLabel(tr("fps")));
  auto* fps = new QSpinBox;
  fps->setRange(1, 30);
  fps->setValue(clock_->fps());
  controls->addWidget(fps);
  controls->addStretch();
  layout->addLayout(controls);
  connect(play, &QPushButton::clicked, clock_, &PlaybackClock::togglePlay);
  connect(clock_, &PlaybackClock::playingChanged, play,
          [play](bool playing) { play->setText(playing ? tr("Pause") : tr("Play")); });
  connect(fps, &QSpinBox::valueChanged, clock_, &PlaybackClock::setFps);

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
  clock_->play();
}

void SamplesView::addSample(const SampleEvent& sample) {
  const QString label = QString::fromStdString(sample.label);
  VideoClips clips = VideoClips::fromSample(sample);
  clock_->setFrameCount(std::max(clock_->frameCount(), clips.frames));
  auto& steps = samples_[label];
  steps[sample.step] = clips;
  placeholder_->setVisible(false);
  auto& view = latest_[label];
  if (!view) {
    view = new ClipGridView;
    view->setClock(clock_);
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
    historyLabel_->addItem(label);
  }
  view->setTitle(tr("%1 · step %2").arg(label).arg(sample.step));
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
  historyView_->setClips(step->second);
  historyView_->setTitle(tr("%1 · step %2").arg(it->first).arg(step->first));
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

void SamplesView::showHistory(const QString& label, int stepIndex) {
  historyLabel_->setCurrentText(label);
  historySlider_->setValue(stepIndex);
  refreshHistory();
}

}  // namespace vds::ui
