// The profiler overlay: Dear ImGui drawn in a transparent QOpenGLWidget laid over the
// preview area (F12 toggles it). Shows per-phase timings from TimingEvent, it/s and ETA
// from ProgressEvent, RSS and CUDA memory from MemoryEvent, and the device. Qt's mouse,
// wheel and key events are forwarded to ImGui, so its windows can be moved and folded.
// Created only when first shown: until then the main window stays on raster painting.
// Where no OpenGL context can be made (the offscreen platform), ProfilerPanel shows the
// same figures with QPainter instead.
#pragma once
#include <QElapsedTimer>
#include <QOpenGLFunctions>
#include <QOpenGLWidget>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <map>
#include <string>

#include "train/events.h"

struct ImGuiContext;

namespace vds::ui {

// What the overlay shows; kept apart from the drawing so tests can read it.
struct ProfilerStats {
  std::map<std::string, double> phaseMilliseconds;
  std::deque<float> iterationsPerSecond;  // recent history for the sparkline
  int64_t step = 0, totalSteps = 0;
  double etaSeconds = -1;
  double rssMiB = 0, cudaAllocatedMiB = 0, cudaReservedMiB = 0;
  QString device;
  static constexpr size_t kHistory = 120;

  void onTiming(const TimingEvent& timing);
  void onProgress(const ProgressEvent& progress);
  void onMemory(const MemoryEvent& memory);
  // The figures as text lines (the fallback panel, tests).
  QStringList lines() const;
};

// Whether this platform can make an OpenGL context (cached after the first call).
bool openGlAvailable();

class ProfilerOverlay : public QOpenGLWidget, protected QOpenGLFunctions {
  Q_OBJECT
 public:
  // `stats` must outlive the overlay; it is read at every frame.
  explicit ProfilerOverlay(const ProfilerStats* stats, QWidget* parent = nullptr);
  ~ProfilerOverlay() override;

  // False when no OpenGL context could be made (e.g. the offscreen platform without GL).
  bool imguiReady() const { return imgui_ != nullptr; }
  int framesDrawn() const { return frames_; }

 protected:
  void initializeGL() override;
  void paintGL() override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void keyReleaseEvent(QKeyEvent* event) override;

 private:
  void drawPanels();
  void forwardKey(QKeyEvent* event, bool down);

  ImGuiContext* imgui_ = nullptr;
  const ProfilerStats* stats_;
  QElapsedTimer frameClock_;
  QTimer refresh_;
  int frames_ = 0;
};

// The same figures drawn with QPainter, for platforms without OpenGL.
class ProfilerPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ProfilerPanel(const ProfilerStats* stats, QWidget* parent = nullptr);

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  const ProfilerStats* stats_;
  QTimer refresh_;
};

}  // namespace vds::ui
