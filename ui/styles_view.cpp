#include "ui/styles_view.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>

#include "ui/export_dialog.h"
#include "ui/run_controller.h"

namespace vds::ui {
namespace {

constexpr int kThumbnailSide = 64;
// Guidance of gallery renders: style models are image UNets trained with caption dropout.
constexpr double kGalleryCfg = 3.0;

}  // namespace

StylesView::StylesView(GenerationService* service, RunController* run, QWidget* parent)
    : QWidget(parent), service_(service), run_(run), clock_(new PlaybackClock(this)) {
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  list_ = new QListWidget;
  list_->setViewMode(QListView::IconMode);
  list_->setIconSize(QSize(kThumbnailSide, kThumbnailSide));
  list_->setResizeMode(QListView::Adjust);
  list_->setMaximumHeight(kThumbnailSide + 60);
  list_->setMovement(QListView::Static);
  top->addWidget(list_, 1);
  auto* side = new QVBoxLayout;
  swap_ = new QPushButton(tr("S&wap active style"));
  swap_->setToolTip(tr("Send the selected style model to the running run (AVDM2's 2D score model)"));
  side->addWidget(swap_);
  active_ = new QLabel(tr("active style: (from the run config)"));
  active_->setWordWrap(true);
  side->addWidget(active_);
  side->addStretch();
  top->addLayout(side);
  layout->addLayout(top);

  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Prompt")));
  prompt_ = new QLineEdit(tr("a red circle"));
  controls->addWidget(prompt_, 1);
  controls->addWidget(new QLabel(tr("Seed")));
  seed_ = new QSpinBox;
  seed_->setRange(0, 1'000'000);
  controls->addWidget(seed_);
  controls->addWidget(new QLabel(tr("Steps")));
  steps_ = new QSpinBox;
  steps_->setRange(1, 200);
  steps_->setValue(20);
  controls->addWidget(steps_);
  auto* render = new QPushButton(tr("&Render gallery"));
  controls->addWidget(render);
  export_ = new QPushButton(tr("E&xport…"));
  export_->setToolTip(tr("Write the gallery (or one style) as MP4, WebM, GIF or PNG frames, labelled"));
  export_->setEnabled(false);
  controls->addWidget(export_);
  layout->addLayout(controls);

  auto* galleryBox = new QGroupBox(tr("Same prompt and seed, every style"));
  galleryLayout_ = new QHBoxLayout(galleryBox);
  layout->addWidget(galleryBox, 1);
  auto* studentBox = new QGroupBox(tr("The students distilled with each style (their own sampling)"));
  studentLayout_ = new QHBoxLayout(studentBox);
  layout->addWidget(studentBox, 1);

  connect(render, &QPushButton::clicked, this, &StylesView::renderGallery);
  connect(export_, &QPushButton::clicked, this, &StylesView::openExportDialog);
  connect(swap_, &QPushButton::clicked, this, &StylesView::swapToSelected);
  connect(list_, &QListWidget::currentRowChanged, this, [this] { refreshSwapButton(); });
  connect(run_, &RunController::stateChanged, this, [this] { refreshSwapButton(); });
  students_ = studentPackages();
  setPackages(defaultPackages());
}

std::vector<PackageEntry> StylesView::defaultPackages() {
  std::vector<PackageEntry> out;
  for (const auto& p : shippedPackages())
    if (p.spec == QLatin1String("builtin:image-base") || p.spec.startsWith(QLatin1String("builtin:style-")))
      out.push_back(p);
  return out;
}

void StylesView::setPackages(const std::vector<PackageEntry>& packages) {
  packages_ = packages;
  list_->clear();
  for (const auto& p : packages_) {
    auto* item = new QListWidgetItem(p.name);
    item->setToolTip(p.present ? tr("%1 (%2)\n%3").arg(p.spec, p.kind, p.dir)
                               : tr("%1: not built yet (it may still be training)").arg(p.spec));
    if (!p.present) item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
    QPixmap blank(kThumbnailSide, kThumbnailSide);
    blank.fill(palette().color(QPalette::AlternateBase));
    item->setIcon(QIcon(blank));
    list_->addItem(item);
  }
  rebuildGallery();
  refreshSwapButton();
}

void StylesView::selectPackage(int index) { list_->setCurrentRow(index); }

void StylesView::setStudents(const std::vector<PackageEntry>& students) {
  students_ = students;
  rebuildGallery();
}

const PackageEntry* StylesView::studentFor(int index) const {
  if (index < 0 || index >= static_cast<int>(packages_.size()) || !packages_[index].present) return nullptr;
  const QString styleDir = QFileInfo(packages_[index].dir).canonicalFilePath();
  const PackageEntry* best = nullptr;
  for (const auto& s : students_) {
    if (!s.present || s.trainingStyleDir.isEmpty() || s.trainingStyleDir != styleDir) continue;
    const size_t steps = s.sampling ? s.sampling->timesteps.size() : 0;
    if (best == nullptr || steps > (best->sampling ? best->sampling->timesteps.size() : 0)) best = &s;
  }
  return best;
}

ClipGridView* StylesView::studentCell(int index) const {
  return index >= 0 && index < static_cast<int>(studentCells_.size()) ? studentCells_[index] : nullptr;
}

void StylesView::rebuildGallery() {
  for (auto* cell : gallery_) cell->deleteLater();
  gallery_.clear();
  ++generation_;
  pending_ = 0;
  if (export_) export_->setEnabled(false);
  for (const auto& p : packages_) {
    auto* cell = new ClipGridView;
    cell->setClock(clock_);
    cell->setTitle(p.name);
    cell->setMessage(p.present ? tr("press Render gallery") : tr("not built yet"));
    galleryLayout_->addWidget(cell);
    gallery_.push_back(cell);
  }
  // Under each style, the student distilled with it; an empty label keeps the columns aligned.
  while (QLayoutItem* item = studentLayout_->takeAt(0)) {
    if (QWidget* w = item->widget()) w->deleteLater();
    delete item;
  }
  studentCells_.clear();
  for (int i = 0; i < static_cast<int>(packages_.size()); ++i) {
    const PackageEntry* student = studentFor(i);
    if (student == nullptr) {
      auto* none = new QLabel(tr("no student distilled with %1").arg(packages_[i].name));
      none->setAlignment(Qt::AlignCenter);
      none->setWordWrap(true);
      studentLayout_->addWidget(none, 1);
      studentCells_.push_back(nullptr);
      continue;
    }
    auto* cell = new ClipGridView;
    cell->setClock(clock_);
    cell->setTitle(student->name);
    cell->setMessage(tr("press Render gallery"));
    studentLayout_->addWidget(cell, 1);
    studentCells_.push_back(cell);
  }
}

void StylesView::renderCell(ClipGridView* cell, const ClipRequest& request, std::function<void(const ClipResult&)> onOk) {
  const int generation = generation_;
  ++pending_;
  cell->setMessage(tr("rendering…"));
  auto* watcher = new QFutureWatcher<ClipResult>(this);
  connect(watcher, &QFutureWatcher<ClipResult>::finished, this,
          [this, watcher, generation, cell, onOk = std::move(onOk)] {
            const ClipResult result = watcher->result();
            watcher->deleteLater();
            if (generation != generation_) return;  // the cell belongs to an older gallery
            if (result.ok) {
              cell->setClips(result.videos);
              clock_->setFrameCount(std::max(clock_->frameCount(), result.videos.frames));
              export_->setEnabled(true);
              if (onOk) onOk(result);
            } else {
              cell->setMessage(result.error);
            }
            if (--pending_ == 0) {
              clock_->play();
              Q_EMIT galleryFinished();
            }
          });
  watcher->setFuture(service_->submit(request));
}

void StylesView::renderGallery() {
  rebuildGallery();
  renderedPrompt_ = prompt_->text();
  renderedSeed_ = static_cast<uint64_t>(seed_->value());
  for (int i = 0; i < static_cast<int>(packages_.size()); ++i) {
    if (!packages_[i].present) continue;
    ClipRequest request;
    request.package = packages_[i].spec;
    request.prompts = {prompt_->text()};
    request.steps = steps_->value();
    request.cfg = kGalleryCfg;
    request.seed = static_cast<uint64_t>(seed_->value());
    renderCell(gallery_[i], request, [this, i](const ClipResult& result) {
      clock_->setFps(result.videos.fps);
      const QImage frame = result.videos.frame(0, 0);
      if (!frame.isNull())
        list_->item(i)->setIcon(QIcon(QPixmap::fromImage(frame.scaled(kThumbnailSide, kThumbnailSide))));
    });
  }
  for (int i = 0; i < static_cast<int>(studentCells_.size()); ++i) {
    const PackageEntry* student = studentFor(i);
    if (studentCells_[i] == nullptr || student == nullptr) continue;
    ClipRequest request;
    request.package = student->spec;
    request.prompts = {prompt_->text()};
    request.packageSampling = true;
    request.seed = static_cast<uint64_t>(seed_->value());
    renderCell(studentCells_[i], request, {});
  }
  if (pending_ == 0) Q_EMIT galleryFinished();
}

ClipGridView* StylesView::galleryCell(int index) const {
  return index >= 0 && index < static_cast<int>(gallery_.size()) ? gallery_[index] : nullptr;
}

std::vector<ExportSource> StylesView::exportSources() const {
  if (gallery_.empty()) return {};
  ExportSource grid;
  grid.fileStem = QStringLiteral("styles-seed%1").arg(renderedSeed_);
  grid.title = tr("%1 · seed %2").arg(renderedPrompt_).arg(renderedSeed_);
  grid.columns = static_cast<int>(gallery_.size());
  for (size_t i = 0; i < gallery_.size(); ++i) {
    grid.columnLabels << packages_[i].name;
    grid.clips.push_back(gallery_[i]->clips());
  }
  std::vector<ExportSource> out = ExportDialog::gridAndClips(grid);
  // The students' clips, each on its own: the grid stays one row, because a style
  // without a student would leave a hole in a second row.
  for (size_t i = 0; i < studentCells_.size(); ++i) {
    const PackageEntry* student = studentFor(static_cast<int>(i));
    if (studentCells_[i] == nullptr || student == nullptr || studentCells_[i]->clips().empty()) continue;
    ExportSource one;
    one.name = tr("Student of %1: %2").arg(packages_[i].name, student->name);
    one.fileStem = QStringLiteral("%1-student-%2").arg(grid.fileStem, student->name);
    one.clips = {studentCells_[i]->clips()};
    out.push_back(one);
  }
  return out;
}

ExportDialog* StylesView::openExportDialog() {
  auto* dialog = new ExportDialog(exportSources(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->open();
  return dialog;
}

bool StylesView::swapToSelected() {
  const int row = list_->currentRow();
  if (!run_->isActive() || row < 0 || row >= static_cast<int>(packages_.size())) return false;
  const PackageEntry& p = packages_[row];
  run_->swapStyle(p.dir);
  activeStyle_ = p.spec;
  active_->setText(tr("active style: %1 (sent at the run's next iteration)").arg(p.name));
  Q_EMIT styleSwapped(p.dir);
  return true;
}

void StylesView::refreshSwapButton() {
  const int row = list_->currentRow();
  const bool ok = run_->isActive() && row >= 0 && row < static_cast<int>(packages_.size()) && packages_[row].present;
  swap_->setEnabled(ok);
}

}  // namespace vds::ui
