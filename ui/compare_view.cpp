#include "ui/compare_view.h"

#include <QComboBox>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/export_dialog.h"
#include "ui/studio_catalog.h"

namespace vds::ui {
namespace {

// The reference teacher column, and the few-step teacher baselines a student must beat
// (the defaults of `vdstudio-cli compare`).
constexpr int kTeacherSteps = 25;
constexpr double kTeacherCfg = 4.0;
constexpr int kFewSteps[] = {1, 2, 4};
const char* const kTeacherPackage = "builtin:t2v-teacher";
// Default prompt rows: enough to see two scenes without a tall grid.
constexpr int kDefaultPromptRows = 2;
// What the sampler cell says for a column that samples as its package records.
const char* const kPackageSampler = "package";

enum TableColumn { kColPackage, kColSteps, kColSampler, kColCfg, kColLabel, kColCount };

QString formatCfg(double cfg) { return QString::number(cfg, 'g', 3); }

}  // namespace

WipeView::WipeView(QWidget* parent) : QWidget(parent) {
  setMouseTracking(false);
  setMinimumSize(120, 120);
  setCursor(Qt::SplitHCursor);
}

void WipeView::setClock(PlaybackClock* clock) {
  connect(clock, &PlaybackClock::frameChanged, this, [this](int f) {
    frame_ = f;
    update();
  });
}

void WipeView::setClips(const VideoClips& a, const VideoClips& b, const QString& labelA, const QString& labelB) {
  a_ = a;
  b_ = b;
  labelA_ = labelA;
  labelB_ = labelB;
  update();
}

void WipeView::setPosition(double fraction) {
  position_ = std::clamp(fraction, 0.0, 1.0);
  update();
}

void WipeView::mousePressEvent(QMouseEvent* event) { setPosition(event->position().x() / std::max(1, width())); }
void WipeView::mouseMoveEvent(QMouseEvent* event) { setPosition(event->position().x() / std::max(1, width())); }

void WipeView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  if (a_.empty() || b_.empty()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("generate, then pick columns A and B"));
    return;
  }
  const int side = std::min(width(), height() - 2 * fontMetrics().height());
  const QRect target((width() - side) / 2, fontMetrics().height() + 2, side, side);
  const int split = target.left() + static_cast<int>(position_ * target.width());
  const QImage a = a_.frame(0, frame_ % a_.frames), b = b_.frame(0, frame_ % b_.frames);
  p.setRenderHint(QPainter::SmoothPixmapTransform, false);
  p.drawImage(target, b);
  p.save();
  p.setClipRect(QRect(target.left(), target.top(), split - target.left(), target.height()));
  p.drawImage(target, a);
  p.restore();
  p.setPen(QPen(Qt::white, 2));
  p.drawLine(split, target.top(), split, target.bottom());
  p.setPen(palette().color(QPalette::Text));
  p.drawText(QRect(0, 0, width() / 2, fontMetrics().height()), Qt::AlignLeft, tr("A: %1").arg(labelA_));
  p.drawText(QRect(width() / 2, 0, width() / 2, fontMetrics().height()), Qt::AlignRight, tr("B: %1").arg(labelB_));
}

CompareView::CompareView(GenerationService* service, QWidget* parent)
    : QWidget(parent), service_(service), clock_(new PlaybackClock(this)) {
  auto* layout = new QVBoxLayout(this);
  auto* setup = new QHBoxLayout;
  auto* promptBox = new QGroupBox(tr("Prompts (one per row)"));
  auto* pl = new QVBoxLayout(promptBox);
  prompts_ = new QPlainTextEdit;
  prompts_->setMaximumHeight(90);
  pl->addWidget(prompts_);
  auto* seedRow = new QHBoxLayout;
  seedRow->addWidget(new QLabel(tr("Seed")));
  seed_ = new QSpinBox;
  seed_->setRange(0, 1'000'000);
  seedRow->addWidget(seed_);
  pl->addLayout(seedRow);
  setup->addWidget(promptBox, 2);

  auto* columnBox = new QGroupBox(tr("Columns"));
  auto* cl = new QVBoxLayout(columnBox);
  table_ = new QTableWidget(0, kColCount);
  table_->setHorizontalHeaderLabels({tr("package"), tr("steps"), tr("sampler"), tr("cfg"), tr("label")});
  table_->horizontalHeader()->setSectionResizeMode(kColPackage, QHeaderView::Stretch);
  table_->setMaximumHeight(130);
  cl->addWidget(table_);
  auto* tableButtons = new QHBoxLayout;
  auto* add = new QPushButton(tr("Add column"));
  auto* remove = new QPushButton(tr("Remove column"));
  auto* defaults = new QPushButton(tr("Defaults"));
  tableButtons->addWidget(add);
  tableButtons->addWidget(remove);
  tableButtons->addWidget(defaults);
  tableButtons->addStretch();
  cl->addLayout(tableButtons);
  setup->addWidget(columnBox, 3);
  layout->addLayout(setup);

  auto* transport = new QHBoxLayout;
  auto* generate = new QPushButton(tr("&Generate"));
  play_ = new QPushButton(tr("Play"));
  export_ = new QPushButton(tr("E&xport…"));
  export_->setToolTip(tr("Write the grid (or one column) as MP4, WebM, GIF or PNG frames, labelled"));
  export_->setEnabled(false);
  scrub_ = new QSlider(Qt::Horizontal);
  scrub_->setRange(0, 0);
  status_ = new QLabel;
  transport->addWidget(generate);
  transport->addWidget(play_);
  transport->addWidget(new QLabel(tr("frame")));
  transport->addWidget(scrub_, 1);
  transport->addWidget(status_);
  transport->addWidget(export_);
  layout->addLayout(transport);

  auto* split = new QSplitter(Qt::Horizontal);
  auto* scroll = new QScrollArea;
  scroll->setWidgetResizable(true);
  auto* gridHost = new QWidget;
  grid_ = new QGridLayout(gridHost);
  scroll->setWidget(gridHost);
  split->addWidget(scroll);
  auto* wipeBox = new QGroupBox(tr("A/B wipe"));
  auto* wl = new QVBoxLayout(wipeBox);
  auto* wc = new QHBoxLayout;
  wipeA_ = new QComboBox;
  wipeB_ = new QComboBox;
  wipeRow_ = new QSpinBox;
  wipeRow_->setPrefix(tr("row "));
  wc->addWidget(new QLabel(tr("A")));
  wc->addWidget(wipeA_);
  wc->addWidget(new QLabel(tr("B")));
  wc->addWidget(wipeB_);
  wc->addWidget(wipeRow_);
  wl->addLayout(wc);
  wipe_ = new WipeView;
  wipe_->setClock(clock_);
  wl->addWidget(wipe_, 1);
  split->addWidget(wipeBox);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  split->setSizes({900, 320});
  layout->addWidget(split, 1);

  connect(generate, &QPushButton::clicked, this, &CompareView::generate);
  connect(play_, &QPushButton::clicked, clock_, &PlaybackClock::togglePlay);
  connect(export_, &QPushButton::clicked, this, &CompareView::openExportDialog);
  connect(clock_, &PlaybackClock::playingChanged, this, [this](bool on) { play_->setText(on ? tr("Pause") : tr("Play")); });
  connect(scrub_, &QSlider::sliderMoved, this, [this](int f) {
    clock_->pause();
    clock_->seek(f);
  });
  connect(clock_, &PlaybackClock::frameChanged, scrub_, [this](int f) {
    const QSignalBlocker block(scrub_);
    scrub_->setValue(f);
  });
  connect(add, &QPushButton::clicked, this, [this] {
    readColumnTable();
    columns_.push_back({QString(), QString::fromLatin1(kTeacherPackage), 4, QStringLiteral("ddim"), kTeacherCfg});
    writeColumnTable();
    rebuildGrid();
  });
  connect(remove, &QPushButton::clicked, this, [this] {
    readColumnTable();
    const int row = table_->currentRow();
    if (row >= 0 && row < static_cast<int>(columns_.size())) columns_.erase(columns_.begin() + row);
    writeColumnTable();
    rebuildGrid();
  });
  connect(defaults, &QPushButton::clicked, this, [this] { setColumns(defaultColumns()); });
  connect(table_, &QTableWidget::itemChanged, this, [this] {
    readColumnTable();
    rebuildGrid();
  });
  const auto wipeChanged = [this] { refreshWipe(); };
  connect(wipeA_, &QComboBox::currentIndexChanged, this, wipeChanged);
  connect(wipeB_, &QComboBox::currentIndexChanged, this, wipeChanged);
  connect(wipeRow_, &QSpinBox::valueChanged, this, wipeChanged);
  connect(prompts_, &QPlainTextEdit::textChanged, this, [this] { rebuildGrid(); });

  table_->setToolTip(tr("sampler 'package': the package's own sampler, timesteps and guidance (distilled students)"));
  setPrompts(defaultPrompts());
  setColumns(defaultColumns());
}

QStringList CompareView::defaultPrompts() { return heldoutCaptions(kDefaultPromptRows); }

std::vector<CompareColumn> CompareView::defaultColumns() {
  const QString teacher = QString::fromLatin1(kTeacherPackage);
  const QString ddim = QStringLiteral("ddim");
  std::vector<CompareColumn> out;
  out.push_back({tr("teacher"), teacher, kTeacherSteps, ddim, kTeacherCfg});
  for (const PackageEntry& p : studentPackages()) {
    CompareColumn c{p.dir.section(QLatin1Char('/'), -1), p.spec};
    c.packageSampling = true;
    out.push_back(c);
  }
  for (int steps : kFewSteps) out.push_back({tr("teacher"), teacher, steps, ddim, kTeacherCfg});
  return out;
}

void CompareView::setPrompts(const QStringList& prompts) { prompts_->setPlainText(prompts.join(QLatin1Char('\n'))); }

QStringList CompareView::prompts() const {
  QStringList out;
  for (const QString& line : prompts_->toPlainText().split(QLatin1Char('\n')))
    if (!line.trimmed().isEmpty()) out << line.trimmed();
  return out;
}

void CompareView::setSeed(uint64_t seed) { seed_->setValue(static_cast<int>(seed)); }

void CompareView::setColumns(const std::vector<CompareColumn>& columns) {
  columns_ = columns;
  writeColumnTable();
  rebuildGrid();
}

void CompareView::addColumn(const CompareColumn& column) {
  columns_.push_back(column);
  writeColumnTable();
  rebuildGrid();
}

void CompareView::writeColumnTable() {
  const QSignalBlocker block(table_);
  table_->setRowCount(static_cast<int>(columns_.size()));
  for (int i = 0; i < static_cast<int>(columns_.size()); ++i) {
    const CompareColumn& c = columns_[i];
    table_->setItem(i, kColPackage, new QTableWidgetItem(c.package));
    table_->setItem(i, kColSampler, new QTableWidgetItem(c.packageSampling ? QString::fromLatin1(kPackageSampler) : c.sampler));
    table_->setItem(i, kColLabel, new QTableWidgetItem(c.label));
    if (!c.packageSampling) {
      table_->setItem(i, kColSteps, new QTableWidgetItem(QString::number(c.steps)));
      table_->setItem(i, kColCfg, new QTableWidgetItem(formatCfg(c.cfg)));
      continue;
    }
    // The package decides; show what it records, read-only.
    const std::optional<PackageSampling> own = describePackage(c.package).sampling;
    auto* steps = new QTableWidgetItem(own ? QString::number(own->timesteps.size()) : tr("?"));
    auto* cfg = new QTableWidgetItem(own ? formatCfg(own->cfg) : tr("?"));
    for (QTableWidgetItem* item : {steps, cfg}) {
      item->setFlags(item->flags() & ~Qt::ItemIsEditable);
      item->setToolTip(own ? tr("from the package's sampling section") : tr("the package records no sampling section"));
    }
    table_->setItem(i, kColSteps, steps);
    table_->setItem(i, kColCfg, cfg);
  }
}

void CompareView::readColumnTable() {
  std::vector<CompareColumn> out;
  for (int i = 0; i < table_->rowCount(); ++i) {
    const auto text = [&](int col) { return table_->item(i, col) ? table_->item(i, col)->text().trimmed() : QString(); };
    CompareColumn c;
    c.package = text(kColPackage);
    c.sampler = text(kColSampler).isEmpty() ? QStringLiteral("ddim") : text(kColSampler);
    c.packageSampling = c.sampler.compare(QLatin1String(kPackageSampler), Qt::CaseInsensitive) == 0;
    if (c.packageSampling) {
      c.sampler = QStringLiteral("ddim");  // unused; kept valid should the user switch back
    } else {
      c.steps = std::max(1, text(kColSteps).toInt());
      c.cfg = text(kColCfg).isEmpty() ? 1.0 : text(kColCfg).toDouble();
    }
    c.label = text(kColLabel);
    out.push_back(c);
  }
  columns_ = out;
}

void CompareView::rebuildGrid() {
  while (QLayoutItem* item = grid_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  headers_.clear();
  cells_.clear();
  export_->setEnabled(false);
  results_.assign(columns_.size(), ClipResult{});
  ++generation_;  // results of an older layout are dropped
  pending_ = 0;
  const QStringList rows = prompts();
  for (int c = 0; c < static_cast<int>(columns_.size()); ++c) {
    auto* header = new QLabel;
    header->setWordWrap(true);
    header->setAlignment(Qt::AlignHCenter);
    grid_->addWidget(header, 0, c + 1);
    headers_.push_back(header);
  }
  std::vector<bool> present;
  for (const CompareColumn& c : columns_) present.push_back(describePackage(c.package).present);
  for (int r = 0; r < rows.size(); ++r) {
    auto* label = new QLabel(rows[r]);
    label->setWordWrap(true);
    label->setMaximumWidth(160);
    grid_->addWidget(label, r + 1, 0);
    cells_.emplace_back();
    for (int c = 0; c < static_cast<int>(columns_.size()); ++c) {
      auto* cell = new ClipGridView;
      cell->setClock(clock_);
      cell->setMessage(present[c] ? tr("press Generate")
                                  : tr("package %1 is not built yet (it may still be training)").arg(columns_[c].package));
      grid_->addWidget(cell, r + 1, c + 1);
      cells_.back().push_back(cell);
    }
  }
  {
    const QSignalBlocker a(wipeA_), b(wipeB_);
    wipeA_->clear();
    wipeB_->clear();
    for (int c = 0; c < static_cast<int>(columns_.size()); ++c) {
      wipeA_->addItem(columnHeader(c).section(QLatin1Char('\n'), 0, 0));
      wipeB_->addItem(columnHeader(c).section(QLatin1Char('\n'), 0, 0));
    }
    wipeB_->setCurrentIndex(std::min(1, wipeB_->count() - 1));
    wipeRow_->setRange(0, std::max(0, static_cast<int>(rows.size()) - 1));
  }
  for (int c = 0; c < static_cast<int>(columns_.size()); ++c) headers_[c]->setText(columnHeader(c));
  refreshWipe();
}

QString CompareView::columnHeader(int column) const {
  if (column < 0 || column >= static_cast<int>(columns_.size())) return {};
  const CompareColumn& c = columns_[column];
  const PackageEntry package = describePackage(c.package);
  const QString name = c.label.isEmpty() ? package.name : c.label;
  const ClipResult* done =
      column < static_cast<int>(results_.size()) && results_[column].ok ? &results_[column] : nullptr;
  // What the column samples with: the finished result's own account when there is one.
  int steps = c.steps;
  QString sampler = c.sampler;
  double cfg = c.cfg;
  if (c.packageSampling && package.sampling) {
    steps = static_cast<int>(package.sampling->timesteps.size());
    sampler = package.sampling->sampler;
    cfg = package.sampling->cfg;
  }
  if (done) {
    steps = done->steps;
    sampler = done->sampler;
    cfg = done->cfg;
  }
  QString text = steps == 1 ? tr("%1 · 1 step").arg(name) : tr("%1 · %2 steps").arg(name).arg(steps);
  if (c.packageSampling && !package.sampling && !done)
    text = package.present ? tr("%1\nown sampling: none recorded").arg(name) : tr("%1\nown sampling").arg(name);
  else if (c.packageSampling) text += tr("\nown sampling: %1, cfg %2").arg(sampler, formatCfg(cfg));
  else text += tr("\n%1, cfg %2").arg(sampler, formatCfg(cfg));
  if (done) {
    text += tr("\nNFE %1 · %2 ms/clip").arg(done->nfe).arg(done->millisecondsPerClip, 0, 'f', 1);
    if (done->imageToVideo) text += tr("\nfirst frames: held-out clips");
  }
  return text;
}

void CompareView::generate() {
  readColumnTable();
  rebuildGrid();
  const QStringList rows = prompts();
  if (rows.isEmpty() || columns_.empty()) return;
  const int generation = generation_;
  pending_ = static_cast<int>(columns_.size());
  status_->setText(tr("generating %n column(s)…", "", pending_));
  for (int c = 0; c < static_cast<int>(columns_.size()); ++c) {
    for (auto& row : cells_) row[c]->setMessage(tr("generating…"));
    ClipRequest request;
    request.package = columns_[c].package;
    request.prompts = rows;
    request.steps = columns_[c].steps;
    request.sampler = columns_[c].sampler;
    request.cfg = columns_[c].cfg;
    request.packageSampling = columns_[c].packageSampling;
    request.seed = static_cast<uint64_t>(seed_->value());
    auto* watcher = new QFutureWatcher<ClipResult>(this);
    connect(watcher, &QFutureWatcher<ClipResult>::finished, this, [this, watcher, generation, c] {
      columnDone(generation, c, watcher->result());
      watcher->deleteLater();
    });
    watcher->setFuture(service_->submit(request));
  }
}

void CompareView::columnDone(int generation, int column, const ClipResult& result) {
  if (generation != generation_) return;
  results_[column] = result;
  for (int r = 0; r < static_cast<int>(cells_.size()); ++r) {
    ClipGridView* cell = cells_[r][column];
    if (!result.ok) {
      const PackageEntry p = describePackage(columns_[column].package);
      cell->setMessage(p.present ? result.error
                                 : tr("package %1 is not built yet (it may still be training)").arg(p.spec));
      continue;
    }
    const VideoClips one = result.videos.clip(r);
    cell->setClips(one);
    clock_->setFrameCount(std::max(clock_->frameCount(), one.frames));
    clock_->setFps(one.fps);  // every column is sampled at the same rate
    export_->setEnabled(true);
  }
  headers_[column]->setText(columnHeader(column));
  scrub_->setRange(0, clock_->frameCount() - 1);
  if (--pending_ == 0) {
    status_->setText(tr("done"));
    refreshWipe();
    clock_->play();
    Q_EMIT generationFinished();
  }
}

ClipGridView* CompareView::cell(int row, int column) const {
  if (row < 0 || row >= static_cast<int>(cells_.size())) return nullptr;
  if (column < 0 || column >= static_cast<int>(cells_[row].size())) return nullptr;
  return cells_[row][column];
}

void CompareView::setWipe(int columnA, int columnB, int row) {
  wipeA_->setCurrentIndex(columnA);
  wipeB_->setCurrentIndex(columnB);
  wipeRow_->setValue(row);
  refreshWipe();
}

std::vector<ExportSource> CompareView::exportSources() const {
  const int columns = static_cast<int>(columns_.size());
  if (cells_.empty() || columns == 0) return {};
  QStringList headers;
  for (int c = 0; c < columns; ++c) headers << columnHeader(c).section(QLatin1Char('\n'), 0, 0);
  const QStringList rows = prompts().mid(0, static_cast<int>(cells_.size()));
  const QString title = tr("seed %1").arg(seed_->value());
  std::vector<ExportSource> out;
  ExportSource grid;
  grid.name = tr("The whole grid, labelled");
  grid.fileStem = QStringLiteral("compare-seed%1").arg(seed_->value());
  grid.title = title;
  grid.rowLabels = rows;
  grid.columnLabels = headers;
  grid.columns = columns;
  for (const auto& row : cells_)
    for (const ClipGridView* cell : row) grid.clips.push_back(cell->clips());
  out.push_back(grid);
  for (int c = 0; c < columns; ++c) {
    ExportSource column;
    column.name = tr("Column %1: %2").arg(c + 1).arg(headers[c]);
    column.fileStem = QStringLiteral("compare-seed%1-column%2").arg(seed_->value()).arg(c + 1);
    column.title = QStringLiteral("%1 · %2").arg(headers[c], title);
    column.rowLabels = rows;
    column.columns = 1;
    for (const auto& row : cells_) column.clips.push_back(row[static_cast<size_t>(c)]->clips());
    out.push_back(column);
  }
  return out;
}

ExportDialog* CompareView::openExportDialog() {
  auto* dialog = new ExportDialog(exportSources(), this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->open();
  return dialog;
}

void CompareView::refreshWipe() {
  const int a = wipeA_->currentIndex(), b = wipeB_->currentIndex(), row = wipeRow_->value();
  const ClipGridView* ca = cell(row, a);
  const ClipGridView* cb = cell(row, b);
  if (!ca || !cb) {
    wipe_->setClips({}, {}, {}, {});
    return;
  }
  wipe_->setClips(ca->clips(), cb->clips(), wipeA_->currentText(), wipeB_->currentText());
}

}  // namespace vds::ui
