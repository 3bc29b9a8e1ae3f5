// The studio's main window: tabs for Setup, Plots, Samples, Compare, Styles and Runs,
// a run toolbar, a log dock, and a status bar with step, it/s, ETA and device. It owns
// the RunController and wires its events to the views; the views hold no training logic.
// Closing during a run stops it (which saves) and closes once the worker has ended,
// showing "saving…" meanwhile instead of freezing.
#pragma once
#include <QMainWindow>

#include <filesystem>
#include <memory>

#include "ui/run_controller.h"

class QAction;
class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace vds::ui {

class CompareView;
class ExportDialog;
class GenerationService;
class PlotsView;
struct ProfilerStats;
class RunsView;
class SamplesView;
class SetupPanel;
class StylesView;

struct StudioOptions {
  std::filesystem::path workspace;  // empty: QSettings, else the default workspace
  bool restoreSettings = true;      // geometry and dock state from QSettings
};

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(const StudioOptions& options = {}, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Starts the Setup panel's config as a new run.
  bool startRun(QString* error = nullptr);
  // Fills the views for a first launch: a preset in Setup, Compare on the shipped packages.
  void openDemo();
  // File ▸ Export… (Ctrl+E): the Export dialog of the current tab (Samples, Compare or
  // Styles); null on other tabs.
  ExportDialog* exportCurrentView();
  QAction* exportAction() const { return export_; }
  // Renders every main view (and the profiler overlay) to DIR/<view>.png; returns the files.
  QStringList saveScreenshots(const QString& dir);
  void setProfilerVisible(bool visible);
  bool profilerVisible() const;

  SetupPanel* setupPanel() const { return setup_; }
  PlotsView* plotsView() const { return plots_; }
  SamplesView* samplesView() const { return samples_; }
  CompareView* compareView() const { return compare_; }
  QWidget* currentTab() const;  // the tab shown
  StylesView* stylesView() const { return styles_; }
  RunsView* runsView() const { return runs_; }
  RunController* controller() const { return run_; }
  // The overlay (ImGui, or the QPainter panel without OpenGL); null until first shown.
  QWidget* profiler() const { return profiler_; }
  QStringList profilerLines() const;
  QTabWidget* tabs() const { return tabs_; }
  bool isClosing() const { return closing_; }
  QString statusText() const;
  QString logText() const;
  const std::filesystem::path& workspace() const { return workspace_; }

 protected:
  void closeEvent(QCloseEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  void buildActions();
  void connectRun();
  void refreshActions();
  void appendLog(const QString& line);
  void placeProfiler();
  void showRunHistory(const QString& runDir);

  StudioOptions options_;
  std::filesystem::path workspace_;
  RunController* run_;
  std::unique_ptr<GenerationService> generator_;
  QTabWidget* tabs_ = nullptr;
  SetupPanel* setup_ = nullptr;
  PlotsView* plots_ = nullptr;
  SamplesView* samples_ = nullptr;
  CompareView* compare_ = nullptr;
  StylesView* styles_ = nullptr;
  RunsView* runs_ = nullptr;
  QWidget* profiler_ = nullptr;
  std::unique_ptr<ProfilerStats> profilerStats_;
  QPlainTextEdit* log_ = nullptr;
  QLabel* stateLabel_ = nullptr;
  QLabel* stepLabel_ = nullptr;
  QLabel* rateLabel_ = nullptr;
  QLabel* etaLabel_ = nullptr;
  QLabel* deviceLabel_ = nullptr;
  QAction* start_ = nullptr;
  QAction* pause_ = nullptr;
  QAction* stop_ = nullptr;
  QAction* sampleNow_ = nullptr;
  QAction* saveNow_ = nullptr;
  QAction* profilerAction_ = nullptr;
  QAction* export_ = nullptr;
  QString device_;
  bool closing_ = false;
};

}  // namespace vds::ui
