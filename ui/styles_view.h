// Styles: the style models (resources/models/style-* and the plain image-base) with
// thumbnails, a side-by-side gallery of one prompt and seed rendered by every style and,
// under each style, by the student distilled with it (its model.yaml `training.style`),
// and "Swap active style", which sends SwapStyle to the running run. Export… writes the
// gallery as one labelled video, or one style's clip (ui/export_dialog.h).
#pragma once
#include <QWidget>

#include <functional>
#include <vector>

#include "ui/generation_service.h"
#include "ui/playback.h"
#include "ui/studio_catalog.h"
#include "ui/video_export.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QHBoxLayout;

namespace vds::ui {

class ExportDialog;
class RunController;

class StylesView : public QWidget {
  Q_OBJECT
 public:
  StylesView(GenerationService* service, RunController* run, QWidget* parent = nullptr);

  // The packages offered; by default image-base and every style-* package.
  void setPackages(const std::vector<PackageEntry>& packages);
  static std::vector<PackageEntry> defaultPackages();
  const std::vector<PackageEntry>& packages() const { return packages_; }
  void selectPackage(int index);
  // Renders the gallery (and the thumbnails) with the prompt and seed shown.
  void renderGallery();
  bool isRendering() const { return pending_ > 0; }
  ClipGridView* galleryCell(int index) const;
  // The distilled students to show under the styles (default: studentPackages()). Style
  // i's column shows the student whose training.style is that style, the one with the
  // most sampling steps when there are several.
  void setStudents(const std::vector<PackageEntry>& students);
  // The student cell under style `index`; nullptr when no student was distilled with it.
  ClipGridView* studentCell(int index) const;
  // The student shown under style `index`, or nullptr.
  const PackageEntry* studentFor(int index) const;
  // Sends SwapStyle for the selected package; false when no run is active.
  bool swapToSelected();
  QString activeStyle() const { return activeStyle_; }
  // What Export… offers: the gallery as one row labelled with the style names under the
  // prompt, then each style's clip alone.
  std::vector<ExportSource> exportSources() const;
  ExportDialog* openExportDialog();
  QPushButton* exportButton() const { return export_; }
  PlaybackClock* clock() const { return clock_; }

 Q_SIGNALS:
  void galleryFinished();
  void styleSwapped(const QString& package);

 private:
  void rebuildGallery();
  // Submits one clip for `cell` of the current gallery; `onOk` adds what only some cells
  // need (the thumbnail). Counts pending_ and emits galleryFinished after the last one.
  void renderCell(ClipGridView* cell, const ClipRequest& request, std::function<void(const ClipResult&)> onOk);
  void refreshSwapButton();

  GenerationService* service_;
  RunController* run_;
  std::vector<PackageEntry> packages_;
  std::vector<ClipGridView*> gallery_;
  std::vector<PackageEntry> students_;
  std::vector<ClipGridView*> studentCells_;  // one per style; nullptr where no student matches
  QHBoxLayout* studentLayout_ = nullptr;
  PlaybackClock* clock_;
  QListWidget* list_ = nullptr;
  QLineEdit* prompt_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QSpinBox* steps_ = nullptr;
  QPushButton* swap_ = nullptr;
  QPushButton* export_ = nullptr;
  QLabel* active_ = nullptr;
  QHBoxLayout* galleryLayout_ = nullptr;
  QString activeStyle_;
  QString renderedPrompt_;
  uint64_t renderedSeed_ = 0;
  int generation_ = 0;
  int pending_ = 0;
};

}  // namespace vds::ui
