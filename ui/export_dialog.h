// Export…: writes what a view shows (Samples' current preview, Compare's grid or one
// column, Styles' gallery, or one clip of any of them) as MP4, WebM, GIF or PNG frames,
// through ui/video_export.h (the code `vdstudio-cli export` runs). The encode runs on a
// worker thread with a progress bar; Cancel stops it through the encoder's progress
// callback and leaves no file behind. The folder, format and settings of the last
// export are remembered (QSettings "export/..."); the frame rate starts at the clips' own.
#pragma once
#include <QDialog>
#include <QFutureWatcher>

#include <atomic>
#include <vector>

#include "ui/video_export.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace vds::ui {

class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  // `sources`: what can be exported, the first preselected (see gridAndClips).
  explicit ExportDialog(std::vector<ExportSource> sources, QWidget* parent = nullptr);
  ~ExportDialog() override;

  // A labelled grid of every clip of `grid`, then each clip alone ("Clip 2: label").
  // A source of one clip without labels is offered once, as it is.
  static std::vector<ExportSource> gridAndClips(ExportSource grid);
  // How a clip of `source` is called: its label, else its row and column labels.
  static QString clipName(const ExportSource& source, int clip);
  // `path` with the format's suffix (replacing .mp4, .webm, .gif or .png; else appended).
  static QString withFormatSuffix(const QString& path, ExportFormat format);

  int sourceCount() const { return static_cast<int>(sources_.size()); }
  const ExportSource& source(int index) const { return sources_.at(static_cast<size_t>(index)); }
  int currentSource() const;
  void setCurrentSource(int index);

  // The settings the form shows, and filling the form (the non-interactive API).
  ExportSettings settings() const;
  void setSettings(const ExportSettings& settings);
  void setFormat(ExportFormat format);
  void setOutputPath(const QString& path);

  // Starts the encode on a worker thread; false (with the reason shown) when the form
  // cannot export. exportFinished() follows on the UI thread.
  bool startExport();
  // Asks a running encode to stop; it ends with lastResult().cancelled.
  void cancelExport();
  bool isExporting() const { return running_; }
  const ExportResult& lastResult() const { return result_; }
  // The line under the progress bar: progress, the file written, or the error.
  QString statusText() const;

  QPushButton* exportButton() const { return export_; }
  QPushButton* cancelButton() const { return cancel_; }
  QProgressBar* progressBar() const { return progress_; }

 Q_SIGNALS:
  void progressChanged(int done, int total);
  void exportFinished(bool ok);

 public Q_SLOTS:
  void reject() override;

 private:
  void onSourceChanged();
  void onFormatChanged();
  void refreshEnabled();
  void browse();
  void finish();
  void loadSettings();
  void saveSettings() const;
  ExportFormat currentFormat() const;
  QString suggestedPath() const;

  std::vector<ExportSource> sources_;
  QComboBox* what_ = nullptr;
  QComboBox* format_ = nullptr;
  QLineEdit* path_ = nullptr;
  QPushButton* browse_ = nullptr;
  QDoubleSpinBox* fps_ = nullptr;
  QComboBox* scaleMode_ = nullptr;
  QSpinBox* scale_ = nullptr;
  QSpinBox* width_ = nullptr;
  QSpinBox* height_ = nullptr;
  QLabel* sizeTimes_ = nullptr;
  QSpinBox* crf_ = nullptr;
  QSpinBox* loop_ = nullptr;
  QLabel* clipInfo_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  QPushButton* export_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QPushButton* close_ = nullptr;

  QString folder_;        // where the file goes unless the user types another path
  bool pathEdited_ = false;
  int crfByFormat_[2] = {-1, -1};  // the last CRF of MP4 and WebM
  std::atomic<bool> cancelRequested_{false};
  bool running_ = false;
  bool closeWhenDone_ = false;
  QFutureWatcher<ExportResult> watcher_;
  ExportResult result_;
};

}  // namespace vds::ui
