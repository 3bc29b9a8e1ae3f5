// Looping playback of small videos: one PlaybackClock drives any number of ClipGridViews,
// so every clip that shares a clock shows the same frame (the Compare view's sync). A
// clock ticks at the rate of the clips it plays (VideoClips::fps), so a 24 fps file
// plays at 24 fps and a 5 fps one at 5.
#pragma once
#include <QTimer>
#include <QWidget>

#include "ui/video_clips.h"

namespace vds::ui {

class PlaybackClock : public QObject {
  Q_OBJECT
 public:
  static constexpr double kMinFps = 0.1, kMaxFps = 240.0;
  explicit PlaybackClock(QObject* parent = nullptr);
  int frame() const { return frame_; }
  int frameCount() const { return frameCount_; }
  bool isPlaying() const { return timer_.isActive(); }
  double fps() const { return fps_; }
  int intervalMs() const { return timer_.interval(); }  // 1000 / fps, rounded

  void setFrameCount(int frames);  // the longest clip; frames wrap around it
  void setFps(double fps);         // clamped to [kMinFps, kMaxFps]
  void play();
  void pause();
  void togglePlay();
  void seek(int frame);  // scrub: shows that frame on every view at once

 Q_SIGNALS:
  void frameChanged(int frame);
  void playingChanged(bool playing);

 private:
  void advance();
  QTimer timer_;
  int frame_ = 0, frameCount_ = 1;
  double fps_ = kDefaultSampleFps;
};

// A grid of clips (rows x columns chosen to fit), each scaled up without smoothing
// (the clips are a few dozen pixels), with an optional title and per-clip captions.
class ClipGridView : public QWidget {
  Q_OBJECT
 public:
  explicit ClipGridView(QWidget* parent = nullptr);
  void setClock(PlaybackClock* clock);
  void setClips(VideoClips clips);
  void setTitle(const QString& title);
  void setMessage(const QString& message);  // shown instead of clips (loading, missing package)
  // Lays every clip in one row with its caption below (triptychs, comparisons).
  void setSingleRow(bool singleRow);
  void setShowCaptions(bool show) { showCaptions_ = show; update(); }
  const VideoClips& clips() const { return clips_; }
  const QString& message() const { return message_; }
  int shownFrame() const { return frame_; }
  QSize sizeHint() const override { return {240, 200}; }
  QSize minimumSizeHint() const override { return {96, 80}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  void onFrame(int frame);
  PlaybackClock* clock_ = nullptr;
  VideoClips clips_;
  QString title_, message_;
  bool singleRow_ = false, showCaptions_ = false;
  int frame_ = 0;
};

}  // namespace vds::ui
