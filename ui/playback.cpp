#include "ui/playback.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace vds::ui {

PlaybackClock::PlaybackClock(QObject* parent) : QObject(parent) {
  connect(&timer_, &QTimer::timeout, this, &PlaybackClock::advance);
  timer_.setTimerType(Qt::PreciseTimer);  // coarse timers may be 5% off, visible at 24 fps
  setFps(fps_);
}

void PlaybackClock::setFrameCount(int frames) {
  frameCount_ = std::max(1, frames);
  if (frame_ >= frameCount_) seek(0);
}

void PlaybackClock::setFps(double fps) {
  fps_ = std::clamp(std::isfinite(fps) ? fps : kDefaultSampleFps, kMinFps, kMaxFps);
  timer_.setInterval(std::max(1, static_cast<int>(std::lround(1000.0 / fps_))));
}

void PlaybackClock::play() {
  if (timer_.isActive()) return;
  timer_.start();
  Q_EMIT playingChanged(true);
}

void PlaybackClock::pause() {
  if (!timer_.isActive()) return;
  timer_.stop();
  Q_EMIT playingChanged(false);
}

void PlaybackClock::togglePlay() { isPlaying() ? pause() : play(); }

void PlaybackClock::seek(int frame) {
  frame_ = ((frame % frameCount_) + frameCount_) % frameCount_;
  Q_EMIT frameChanged(frame_);
}

void PlaybackClock::advance() { seek(frame_ + 1); }

ClipGridView::ClipGridView(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ClipGridView::setClock(PlaybackClock* clock) {
  if (clock_) disconnect(clock_, nullptr, this, nullptr);
  clock_ = clock;
  if (clock_) {
    connect(clock_, &PlaybackClock::frameChanged, this, &ClipGridView::onFrame);
    frame_ = clock_->frame();
  }
  update();
}

void ClipGridView::setClips(VideoClips clips) {
  clips_ = std::move(clips);
  message_.clear();
  update();
}

void ClipGridView::setTitle(const QString& title) {
  title_ = title;
  update();
}

void ClipGridView::setMessage(const QString& message) {
  message_ = message;
  update();
}

void ClipGridView::setSingleRow(bool singleRow) {
  singleRow_ = singleRow;
  showCaptions_ = showCaptions_ || singleRow;
  update();
}

void ClipGridView::onFrame(int frame) {
  frame_ = frame;
  update();
}

void ClipGridView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  QRect area = rect().adjusted(2, 2, -2, -2);
  const int lineHeight = fontMetrics().height();
  if (!title_.isEmpty()) {
    p.setPen(palette().color(QPalette::Text));
    p.drawText(area.left(), area.top(), area.width(), lineHeight, Qt::AlignLeft | Qt::AlignVCenter,
               fontMetrics().elidedText(title_, Qt::ElideRight, area.width()));
    area.setTop(area.top() + lineHeight + 2);
  }
  if (!message_.isEmpty() || clips_.empty()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, message_.isEmpty() ? tr("no video yet") : message_);
    return;
  }
  const int n = clips_.clips;
  const int columns = singleRow_ ? n : static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
  const int rows = (n + columns - 1) / columns;
  const int captionHeight = showCaptions_ ? lineHeight * 2 : 0;
  const int cellW = area.width() / columns;
  const int cellH = area.height() / rows;
  const double scale = std::max(0.1, std::min(static_cast<double>(cellW - 4) / clips_.width,
                                               static_cast<double>(cellH - 4 - captionHeight) / clips_.height));
  const int w = static_cast<int>(clips_.width * scale), h = static_cast<int>(clips_.height * scale);
  const int frame = clips_.frames > 0 ? frame_ % clips_.frames : 0;
  p.setRenderHint(QPainter::SmoothPixmapTransform, false);
  for (int i = 0; i < n; ++i) {
    const int r = i / columns, c = i % columns;
    const QRect cell(area.left() + c * cellW, area.top() + r * cellH, cellW, cellH);
    const QRect target(cell.left() + (cellW - w) / 2, cell.top() + 2, w, h);
    p.drawImage(target, clips_.frame(i, frame));
    if (showCaptions_ && i < clips_.captions.size()) {
      p.setPen(palette().color(QPalette::Text));
      p.drawText(QRect(cell.left(), target.bottom() + 2, cellW, captionHeight), Qt::AlignHCenter | Qt::TextWordWrap,
                 clips_.captions[i]);
    }
  }
}

}  // namespace vds::ui
