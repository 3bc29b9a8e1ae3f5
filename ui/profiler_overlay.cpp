#include "ui/profiler_overlay.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QPainter>
#include <QWheelEvent>

#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <cfloat>
#include <vector>

namespace vds::ui {
namespace {

// Redraw rate of the overlay while visible; the data changes at most every log step.
constexpr int kRefreshMs = 100;

int imguiButton(Qt::MouseButton button) {
  switch (button) {
    case Qt::LeftButton: return 0;
    case Qt::RightButton: return 1;
    case Qt::MiddleButton: return 2;
    default: return -1;
  }
}

}  // namespace

bool openGlAvailable() {
  static const bool available = [] {
    QOpenGLContext probe;
    return probe.create();
  }();
  return available;
}

void ProfilerStats::onTiming(const TimingEvent& timing) { phaseMilliseconds = timing.phaseMilliseconds; }

void ProfilerStats::onProgress(const ProgressEvent& progress) {
  step = progress.step;
  totalSteps = progress.totalSteps;
  etaSeconds = progress.etaSeconds;
  iterationsPerSecond.push_back(static_cast<float>(progress.iterationsPerSecond));
  while (iterationsPerSecond.size() > kHistory) iterationsPerSecond.pop_front();
}

void ProfilerStats::onMemory(const MemoryEvent& memory) {
  rssMiB = memory.rssMiB;
  cudaAllocatedMiB = memory.cudaAllocatedMiB;
  cudaReservedMiB = memory.cudaReservedMiB;
}

QStringList ProfilerStats::lines() const {
  QStringList out;
  out << ProfilerOverlay::tr("device: %1").arg(device.isEmpty() ? ProfilerOverlay::tr("(no run)") : device);
  const float rate = iterationsPerSecond.empty() ? 0.0f : iterationsPerSecond.back();
  out << ProfilerOverlay::tr("step %1 / %2 · %3 it/s · ETA %4 s")
             .arg(step)
             .arg(totalSteps)
             .arg(rate, 0, 'f', 2)
             .arg(etaSeconds < 0 ? QStringLiteral("?") : QString::number(etaSeconds, 'f', 0));
  out << ProfilerOverlay::tr("RSS %1 MiB · CUDA %2 / %3 MiB (allocated / reserved)")
             .arg(rssMiB, 0, 'f', 0)
             .arg(cudaAllocatedMiB, 0, 'f', 0)
             .arg(cudaReservedMiB, 0, 'f', 0);
  for (const auto& [name, ms] : phaseMilliseconds)
    out << ProfilerOverlay::tr("%1: %2 ms").arg(QString::fromStdString(name)).arg(ms, 0, 'f', 1);
  return out;
}

ProfilerOverlay::ProfilerOverlay(const ProfilerStats* stats, QWidget* parent) : QOpenGLWidget(parent), stats_(stats) {
  QSurfaceFormat format = QSurfaceFormat::defaultFormat();
  format.setAlphaBufferSize(8);
  setFormat(format);
  // Drawn on top of its siblings with a transparent clear, so the previews show through.
  setAttribute(Qt::WA_AlwaysStackOnTop);
  setAttribute(Qt::WA_TranslucentBackground);
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  connect(&refresh_, &QTimer::timeout, this, qOverload<>(&QWidget::update));
  refresh_.start(kRefreshMs);
  frameClock_.start();
}

ProfilerOverlay::~ProfilerOverlay() {
  if (!imgui_) return;
  makeCurrent();
  ImGui::SetCurrentContext(imgui_);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui::DestroyContext(imgui_);
  doneCurrent();
}

void ProfilerOverlay::initializeGL() {
  if (!context() || !context()->isValid()) return;
  initializeOpenGLFunctions();
  imgui_ = ImGui::CreateContext();
  ImGui::SetCurrentContext(imgui_);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // window layout is not persisted to the working directory
  io.KeyMap[ImGuiKey_Tab] = Qt::Key_Tab & 0x1ff;
  io.KeyMap[ImGuiKey_LeftArrow] = Qt::Key_Left & 0x1ff;
  io.KeyMap[ImGuiKey_RightArrow] = Qt::Key_Right & 0x1ff;
  io.KeyMap[ImGuiKey_UpArrow] = Qt::Key_Up & 0x1ff;
  io.KeyMap[ImGuiKey_DownArrow] = Qt::Key_Down & 0x1ff;
  io.KeyMap[ImGuiKey_Backspace] = Qt::Key_Backspace & 0x1ff;
  io.KeyMap[ImGuiKey_Enter] = Qt::Key_Return & 0x1ff;
  io.KeyMap[ImGuiKey_Escape] = Qt::Key_Escape & 0x1ff;
  ImGui::StyleColorsDark();
  ImGui::GetStyle().Alpha = 0.92f;
  const QSurfaceFormat f = context()->format();
  const bool gl3 = f.majorVersion() >= 3 && !context()->isOpenGLES();
  if (!ImGui_ImplOpenGL3_Init(gl3 ? "#version 130" : "#version 100")) {
    ImGui::DestroyContext(imgui_);
    imgui_ = nullptr;
  }
}

void ProfilerOverlay::paintGL() {
  glClearColor(0, 0, 0, 0);
  glClear(GL_COLOR_BUFFER_BIT);
  if (!imgui_) return;
  ImGui::SetCurrentContext(imgui_);
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(width()), static_cast<float>(height()));
  const float dpr = static_cast<float>(devicePixelRatioF());
  io.DisplayFramebufferScale = ImVec2(dpr, dpr);
  io.DeltaTime = std::max(1e-4f, static_cast<float>(frameClock_.restart()) / 1000.0f);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
  drawPanels();
  ImGui::Render();
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  ++frames_;
}

void ProfilerOverlay::drawPanels() {
  ImGui::SetNextWindowPos(ImVec2(8, 8), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(300, 0), ImGuiCond_FirstUseEver);
  // ImGui takes UTF-8; tr() strings go through toUtf8() for the translations' sake.
  const QByteArray title = tr("Profiler (F12)").toUtf8();
  ImGui::Begin(title.constData());
  const QStringList lines = stats_->lines();
  for (int i = 0; i < 3 && i < lines.size(); ++i) {
    const QByteArray line = lines[i].toUtf8();
    ImGui::TextWrapped("%s", line.constData());
  }
  if (!stats_->iterationsPerSecond.empty()) {
    const std::vector<float> history(stats_->iterationsPerSecond.begin(), stats_->iterationsPerSecond.end());
    ImGui::PlotLines("it/s", history.data(), static_cast<int>(history.size()), 0, nullptr, 0.0f, FLT_MAX, ImVec2(0, 40));
  }
  const QByteArray phases = tr("Phases (ms, last log interval)").toUtf8();
  if (ImGui::CollapsingHeader(phases.constData(), ImGuiTreeNodeFlags_DefaultOpen)) {
    double total = 0;
    for (const auto& [name, ms] : stats_->phaseMilliseconds) total += ms;
    for (const auto& [name, ms] : stats_->phaseMilliseconds) {
      const float share = total > 0 ? static_cast<float>(ms / total) : 0.0f;
      const QByteArray overlay = QStringLiteral("%1 %2 ms").arg(QString::fromStdString(name)).arg(ms, 0, 'f', 1).toUtf8();
      ImGui::ProgressBar(share, ImVec2(-1, 0), overlay.constData());
    }
  }
  ImGui::End();
}

void ProfilerOverlay::mouseMoveEvent(QMouseEvent* event) {
  if (!imgui_) return;
  ImGui::SetCurrentContext(imgui_);
  ImGui::GetIO().MousePos = ImVec2(static_cast<float>(event->position().x()), static_cast<float>(event->position().y()));
  update();
}

void ProfilerOverlay::mousePressEvent(QMouseEvent* event) {
  if (!imgui_) return;
  ImGui::SetCurrentContext(imgui_);
  if (const int b = imguiButton(event->button()); b >= 0) ImGui::GetIO().MouseDown[b] = true;
  update();
}

void ProfilerOverlay::mouseReleaseEvent(QMouseEvent* event) {
  if (!imgui_) return;
  ImGui::SetCurrentContext(imgui_);
  if (const int b = imguiButton(event->button()); b >= 0) ImGui::GetIO().MouseDown[b] = false;
  update();
}

void ProfilerOverlay::wheelEvent(QWheelEvent* event) {
  if (!imgui_) return;
  ImGui::SetCurrentContext(imgui_);
  // Qt reports eighths of a degree; one notch is 120, ImGui counts notches.
  ImGui::GetIO().MouseWheel += static_cast<float>(event->angleDelta().y()) / 120.0f;
  update();
}

void ProfilerOverlay::forwardKey(QKeyEvent* event, bool down) {
  if (!imgui_) return;
  ImGui::SetCurrentContext(imgui_);
  ImGuiIO& io = ImGui::GetIO();
  io.KeysDown[event->key() & 0x1ff] = down;
  io.KeyCtrl = event->modifiers().testFlag(Qt::ControlModifier);
  io.KeyShift = event->modifiers().testFlag(Qt::ShiftModifier);
  io.KeyAlt = event->modifiers().testFlag(Qt::AltModifier);
  if (down)
    for (const QChar c : event->text()) io.AddInputCharacter(c.unicode());
  update();
}

void ProfilerOverlay::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_F12) {
    QOpenGLWidget::keyPressEvent(event);  // the window's F12 shortcut hides the overlay
    return;
  }
  forwardKey(event, true);
}

void ProfilerOverlay::keyReleaseEvent(QKeyEvent* event) { forwardKey(event, false); }

ProfilerPanel::ProfilerPanel(const ProfilerStats* stats, QWidget* parent) : QWidget(parent), stats_(stats) {
  setAttribute(Qt::WA_TransparentForMouseEvents);
  connect(&refresh_, &QTimer::timeout, this, qOverload<>(&QWidget::update));
  refresh_.start(kRefreshMs);
}

void ProfilerPanel::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QStringList lines = QStringList{ProfilerOverlay::tr("Profiler (F12; no OpenGL here, so not ImGui)")} + stats_->lines();
  const int lineHeight = fontMetrics().height();
  int w = 0;
  for (const QString& l : lines) w = std::max(w, fontMetrics().horizontalAdvance(l));
  const QRect box(8, 8, w + 16, lineHeight * static_cast<int>(lines.size()) + 12);
  p.fillRect(box, QColor(20, 20, 28, 220));
  p.setPen(Qt::white);
  for (int i = 0; i < lines.size(); ++i) p.drawText(box.left() + 8, box.top() + 6 + lineHeight * (i + 1) - fontMetrics().descent(), lines[i]);
}

}  // namespace vds::ui
