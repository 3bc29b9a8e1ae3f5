// Compare: rows are prompts, columns are (package, sampling) pairs — the teacher at N
// steps with guidance, every distilled student sampling as its package says, and the
// teacher at 1/2/4 steps (the naive few-step baseline), as `vdstudio-cli compare` lays
// them out. Image-to-video columns start row i from held-out clip i's first frame, so
// the default prompts are the held-out captions. Generation runs on the GenerationService's thread;
// every cell shares one PlaybackClock (play, pause and scrub stay in sync), and an A/B
// wipe shows two columns of one row split by a draggable line. Export… writes the grid
// as one labelled video, or one column (ui/export_dialog.h).
#pragma once
#include <QWidget>

#include <memory>
#include <vector>

#include "ui/generation_service.h"
#include "ui/playback.h"
#include "ui/video_export.h"

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSlider;
class QSpinBox;
class QTableWidget;

namespace vds::ui {

class ExportDialog;

struct CompareColumn {
  QString label;    // shown in the header; empty: the package name
  QString package;  // "builtin:NAME" or a folder
  int steps = 4;
  QString sampler = QStringLiteral("ddim");
  double cfg = 1.0;
  // The package's own sampling section decides sampler, timesteps and guidance (the
  // table shows the sampler as "package"); steps, sampler and cfg above are unused.
  bool packageSampling = false;
};

// Two clips of the same row: A left of the divider, B right of it; drag to move it.
class WipeView : public QWidget {
  Q_OBJECT
 public:
  explicit WipeView(QWidget* parent = nullptr);
  void setClock(PlaybackClock* clock);
  void setClips(const VideoClips& a, const VideoClips& b, const QString& labelA, const QString& labelB);
  void setPosition(double fraction);  // 0 = all B, 1 = all A
  double position() const { return position_; }
  QSize sizeHint() const override { return {260, 260}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;

 private:
  VideoClips a_, b_;
  QString labelA_, labelB_;
  double position_ = 0.5;
  int frame_ = 0;
};

class CompareView : public QWidget {
  Q_OBJECT
 public:
  explicit CompareView(GenerationService* service, QWidget* parent = nullptr);

  void setPrompts(const QStringList& prompts);
  QStringList prompts() const;
  void setColumns(const std::vector<CompareColumn>& columns);
  // Appends a column (a run's student from the Runs view) and rebuilds the grid.
  void addColumn(const CompareColumn& column);
  const std::vector<CompareColumn>& columns() const { return columns_; }
  void setSeed(uint64_t seed);
  // The teacher at 25 steps (DDIM, guidance 4), every package under
  // resources/models/students/ with its own sampling, then the teacher at 1, 2 and 4 steps.
  static std::vector<CompareColumn> defaultColumns();
  // The first held-out captions of the evaluation world.
  static QStringList defaultPrompts();

  // Queues one request per column; cells fill in as results arrive.
  void generate();
  bool isGenerating() const { return pending_ > 0; }
  PlaybackClock* clock() { return clock_; }
  // Cells in row-major order (tests): rows x columns.
  ClipGridView* cell(int row, int column) const;
  QString columnHeader(int column) const;
  WipeView* wipe() const { return wipe_; }
  void setWipe(int columnA, int columnB, int row);
  // What Export… offers: the whole grid (prompts as row labels, column headers as column
  // labels), then each column alone.
  std::vector<ExportSource> exportSources() const;
  ExportDialog* openExportDialog();
  QPushButton* exportButton() const { return export_; }

 Q_SIGNALS:
  void generationFinished();

 private:
  void rebuildGrid();
  void columnDone(int generation, int column, const ClipResult& result);
  void refreshWipe();
  void readColumnTable();
  void writeColumnTable();

  GenerationService* service_;
  PlaybackClock* clock_;
  std::vector<CompareColumn> columns_;
  std::vector<ClipResult> results_;
  std::vector<QLabel*> headers_;
  std::vector<std::vector<ClipGridView*>> cells_;  // [row][column]
  QPlainTextEdit* prompts_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QTableWidget* table_ = nullptr;
  QGridLayout* grid_ = nullptr;
  QPushButton* play_ = nullptr;
  QPushButton* export_ = nullptr;
  QSlider* scrub_ = nullptr;
  QComboBox* wipeA_ = nullptr;
  QComboBox* wipeB_ = nullptr;
  QSpinBox* wipeRow_ = nullptr;
  WipeView* wipe_ = nullptr;
  QLabel* status_ = nullptr;
  int generation_ = 0;
  int pending_ = 0;
};

}  // namespace vds::ui
