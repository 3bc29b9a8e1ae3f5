#include "ui/export_dialog.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace vds::ui {
namespace {

constexpr int kMaxTargetSide = 8192;
constexpr int kMaxGifLoop = 65535;  // GIF's loop count is 16 bits
enum ScaleMode { kScaleInteger, kScaleFit };

QString formatLabel(ExportFormat format) {
  switch (format) {
    case ExportFormat::mp4: return ExportDialog::tr("MP4 (H.264)");
    case ExportFormat::webm: return ExportDialog::tr("WebM (VP9)");
    case ExportFormat::gif: return ExportDialog::tr("GIF");
    case ExportFormat::png: return ExportDialog::tr("PNG frames");
  }
  return {};
}

QString formatFilter(ExportFormat format) {
  switch (format) {
    case ExportFormat::mp4: return ExportDialog::tr("MP4 video (*.mp4)");
    case ExportFormat::webm: return ExportDialog::tr("WebM video (*.webm)");
    case ExportFormat::gif: return ExportDialog::tr("Animated GIF (*.gif)");
    case ExportFormat::png: return ExportDialog::tr("PNG frames, numbered after the name (*.png)");
  }
  return {};
}

// Index into ExportDialog::crfByFormat_; -1 for formats without a quality setting.
int crfSlot(ExportFormat format) {
  return format == ExportFormat::mp4 ? 0 : format == ExportFormat::webm ? 1 : -1;
}

QString defaultFolder() {
  const QString movies = QStandardPaths::writableLocation(QStandardPaths::MoviesLocation);
  return movies.isEmpty() ? QDir::homePath() : movies;
}

}  // namespace

ExportDialog::ExportDialog(std::vector<ExportSource> sources, QWidget* parent)
    : QDialog(parent), sources_(std::move(sources)) {
  setWindowTitle(tr("Export video"));
  if (sources_.empty()) {
    ExportSource nothing;
    nothing.name = tr("Nothing to export");
    nothing.fileStem = QStringLiteral("export");
    sources_.push_back(nothing);
  }
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  layout->addLayout(form);

  what_ = new QComboBox;
  for (const ExportSource& s : sources_) what_->addItem(s.name);
  form->addRow(tr("&What"), what_);
  clipInfo_ = new QLabel;
  form->addRow(QString(), clipInfo_);

  format_ = new QComboBox;
  auto* formats = qobject_cast<QStandardItemModel*>(format_->model());
  for (ExportFormat f : kExportFormats) {
    format_->addItem(formatLabel(f), exportFormatKey(f));
    if (!exportFormatAvailable(f) && formats) {
      QStandardItem* item = formats->item(format_->count() - 1);
      item->setEnabled(false);
      item->setToolTip(tr("This FFmpeg build has no encoder for %1").arg(formatLabel(f)));
    }
  }
  form->addRow(tr("&Format"), format_);

  auto* pathRow = new QHBoxLayout;
  path_ = new QLineEdit;
  path_->setMinimumWidth(360);
  browse_ = new QPushButton(tr("&Browse…"));
  pathRow->addWidget(path_, 1);
  pathRow->addWidget(browse_);
  auto* pathLabel = new QLabel(tr("F&ile"));
  pathLabel->setBuddy(path_);
  form->addRow(pathLabel, pathRow);

  fps_ = new QDoubleSpinBox;
  fps_->setRange(0.1, kMaxExportFps);
  fps_->setDecimals(2);
  fps_->setSuffix(tr(" fps"));
  fps_->setToolTip(tr("Frames per second of MP4, WebM and GIF (GIF rounds frame delays to 1/100 s); starts at the clips' own rate"));
  form->addRow(tr("Frame &rate"), fps_);

  auto* scaleRow = new QHBoxLayout;
  scaleMode_ = new QComboBox;
  scaleMode_->addItem(tr("Integer upscale (nearest)"));
  scaleMode_->addItem(tr("Fit to size (area)"));
  scale_ = new QSpinBox;
  scale_->setRange(1, kMaxExportScale);
  scale_->setPrefix(tr("×"));
  scale_->setToolTip(tr("Every pixel becomes an N×N block; in a grid the clips grow, the labels keep their size"));
  width_ = new QSpinBox;
  height_ = new QSpinBox;
  for (QSpinBox* side : {width_, height_}) {
    side->setRange(0, kMaxTargetSide);
    side->setSpecialValueText(tr("auto"));
    side->setSuffix(tr(" px"));
    side->setToolTip(tr("Area averaging when shrinking, bilinear when growing; leave one side on auto to keep the aspect ratio"));
  }
  scaleRow->addWidget(scaleMode_);
  scaleRow->addWidget(scale_);
  scaleRow->addWidget(width_);
  sizeTimes_ = new QLabel(tr("×"));
  scaleRow->addWidget(sizeTimes_);
  scaleRow->addWidget(height_);
  scaleRow->addStretch();
  auto* scaleLabel = new QLabel(tr("&Scale"));
  scaleLabel->setBuddy(scaleMode_);
  form->addRow(scaleLabel, scaleRow);

  crf_ = new QSpinBox;
  crf_->setToolTip(tr("Constant rate factor: lower is better and larger (MP4 0-51, WebM 0-63)"));
  form->addRow(tr("&Quality (CRF)"), crf_);
  loop_ = new QSpinBox;
  loop_->setRange(-1, kMaxGifLoop);
  loop_->setSpecialValueText(tr("play once"));
  loop_->setToolTip(tr("GIF: 0 loops forever, N repeats N times"));
  form->addRow(tr("GIF &loops"), loop_);

  progress_ = new QProgressBar;
  progress_->setRange(0, 1);
  progress_->setValue(0);
  layout->addWidget(progress_);
  status_ = new QLabel;
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);

  auto* buttons = new QHBoxLayout;
  export_ = new QPushButton(tr("&Export"));
  export_->setDefault(true);
  cancel_ = new QPushButton(tr("&Cancel export"));
  close_ = new QPushButton(tr("Close"));
  buttons->addStretch();
  buttons->addWidget(export_);
  buttons->addWidget(cancel_);
  buttons->addWidget(close_);
  layout->addLayout(buttons);

  connect(what_, &QComboBox::currentIndexChanged, this, &ExportDialog::onSourceChanged);
  connect(format_, &QComboBox::currentIndexChanged, this, &ExportDialog::onFormatChanged);
  connect(path_, &QLineEdit::textEdited, this, [this] { pathEdited_ = true; });
  connect(browse_, &QPushButton::clicked, this, &ExportDialog::browse);
  connect(scaleMode_, &QComboBox::currentIndexChanged, this, &ExportDialog::refreshEnabled);
  connect(crf_, &QSpinBox::valueChanged, this, [this](int value) {
    const int slot = crfSlot(currentFormat());
    if (slot >= 0) crfByFormat_[slot] = value;
  });
  connect(export_, &QPushButton::clicked, this, &ExportDialog::startExport);
  connect(cancel_, &QPushButton::clicked, this, &ExportDialog::cancelExport);
  connect(close_, &QPushButton::clicked, this, &ExportDialog::reject);
  connect(&watcher_, &QFutureWatcher<ExportResult>::finished, this, &ExportDialog::finish);

  loadSettings();
  onSourceChanged();
  onFormatChanged();
}

ExportDialog::~ExportDialog() {
  if (running_) {
    disconnect(&watcher_, nullptr, this, nullptr);
    cancelRequested_ = true;
    watcher_.waitForFinished();
  }
}

std::vector<ExportSource> ExportDialog::gridAndClips(ExportSource grid) {
  std::vector<ExportSource> out;
  const int n = static_cast<int>(grid.clips.size());
  const bool labelled = !grid.title.isEmpty() || !grid.columnLabels.isEmpty() || !grid.rowLabels.isEmpty() ||
                        std::any_of(grid.clipLabels.begin(), grid.clipLabels.end(), [](const QString& l) { return !l.isEmpty(); });
  if (n != 1 || labelled) {
    if (grid.name.isEmpty()) grid.name = tr("All %n clip(s) as a labelled grid", "", n);
    out.push_back(grid);
  }
  for (int i = 0; i < n; ++i) {
    if (grid.clips[static_cast<size_t>(i)].empty()) continue;
    ExportSource one;
    const QString name = clipName(grid, i);
    one.name = name.isEmpty() ? tr("Clip %1").arg(i + 1) : tr("Clip %1: %2").arg(i + 1).arg(name);
    one.fileStem = QStringLiteral("%1-clip%2").arg(grid.fileStem).arg(i + 1);
    one.clips = {grid.clips[static_cast<size_t>(i)]};
    out.push_back(one);
  }
  return out;
}

QString ExportDialog::clipName(const ExportSource& source, int clip) {
  if (clip >= 0 && clip < source.clipLabels.size() && !source.clipLabels[clip].isEmpty()) return source.clipLabels[clip];
  int columns = source.columns;
  if (columns <= 0) columns = static_cast<int>(source.columnLabels.size());
  if (columns <= 0 && !source.rowLabels.isEmpty())
    columns = static_cast<int>((source.clips.size() + source.rowLabels.size() - 1) / source.rowLabels.size());
  QStringList parts;
  if (columns > 0) {
    if (clip / columns < source.rowLabels.size()) parts << source.rowLabels[clip / columns];
    if (clip % columns < source.columnLabels.size()) parts << source.columnLabels[clip % columns];
  }
  parts.removeAll(QString());
  return parts.join(QStringLiteral(" · "));
}

QString ExportDialog::withFormatSuffix(const QString& path, ExportFormat format) {
  if (path.trimmed().isEmpty()) return {};
  QString out = path.trimmed();
  const QFileInfo info(out);
  for (ExportFormat f : kExportFormats)
    if (info.suffix().compare(exportFormatKey(f), Qt::CaseInsensitive) == 0) {
      out.chop(info.suffix().size() + 1);
      break;
    }
  return out + QLatin1Char('.') + exportFormatKey(format);
}

int ExportDialog::currentSource() const { return std::max(0, what_->currentIndex()); }

void ExportDialog::setCurrentSource(int index) { what_->setCurrentIndex(index); }

ExportFormat ExportDialog::currentFormat() const {
  return exportFormatFromKey(format_->currentData().toString());
}

QString ExportDialog::suggestedPath() const {
  const ExportSource& s = sources_[static_cast<size_t>(currentSource())];
  const QString stem = s.fileStem.isEmpty() ? QStringLiteral("export") : s.fileStem;
  return QDir(folder_).filePath(stem + QLatin1Char('.') + exportFormatKey(currentFormat()));
}

void ExportDialog::onSourceChanged() {
  const ExportSource& s = sources_[static_cast<size_t>(currentSource())];
  fps_->setValue(s.fps());
  const VideoClips* first = nullptr;
  int count = 0;
  for (const VideoClips& v : s.clips)
    if (!v.empty()) {
      count += v.clips;
      if (!first) first = &v;
    }
  clipInfo_->setText(first ? QStringLiteral("%1 · %2 · %3")
                                 .arg(tr("%n clip(s)", "", count), tr("up to %n frame(s)", "", s.frames()),
                                      tr("%1×%2 px at %3 fps")
                                          .arg(first->width)
                                          .arg(first->height)
                                          .arg(QLocale().toString(s.fps(), 'g', 4)))
                           : tr("no clips yet"));
  if (!pathEdited_) path_->setText(suggestedPath());
  refreshEnabled();
}

void ExportDialog::onFormatChanged() {
  const ExportFormat format = currentFormat();
  path_->setText(pathEdited_ ? withFormatSuffix(path_->text(), format) : suggestedPath());
  const CrfRange range = exportCrfRange(format);
  const int slot = crfSlot(format);
  const QSignalBlocker block(crf_);
  if (slot >= 0) {
    crf_->setSpecialValueText(QString());
    crf_->setRange(range.min, range.max);
    crf_->setValue(crfByFormat_[slot] >= 0 ? crfByFormat_[slot] : range.defaultValue);
  } else {
    crf_->setRange(-1, -1);
    crf_->setSpecialValueText(tr("not used by %1").arg(formatLabel(format)));
  }
  refreshEnabled();
}

void ExportDialog::refreshEnabled() {
  const ExportFormat format = currentFormat();
  const bool fit = scaleMode_->currentIndex() == kScaleFit;
  for (QWidget* w : std::initializer_list<QWidget*>{what_, format_, path_, browse_, fps_, scaleMode_, scale_, width_,
                                                    height_, crf_, loop_})
    w->setEnabled(!running_);
  scale_->setVisible(!fit);
  width_->setVisible(fit);
  height_->setVisible(fit);
  sizeTimes_->setVisible(fit);
  crf_->setEnabled(!running_ && crfSlot(format) >= 0);
  loop_->setEnabled(!running_ && format == ExportFormat::gif);
  fps_->setEnabled(!running_ && format != ExportFormat::png);
  export_->setEnabled(!running_);
  cancel_->setEnabled(running_);
}

void ExportDialog::browse() {
  const ExportFormat format = currentFormat();
  const QString file = QFileDialog::getSaveFileName(this, tr("Export to"), path_->text(), formatFilter(format));
  if (file.isEmpty()) return;
  setOutputPath(withFormatSuffix(file, format));
}

ExportSettings ExportDialog::settings() const {
  ExportSettings s;
  s.format = currentFormat();
  s.path = withFormatSuffix(path_->text(), s.format);
  s.fps = fps_->value();
  const bool fit = scaleMode_->currentIndex() == kScaleFit;
  s.scale = fit ? 1 : scale_->value();
  s.width = fit ? width_->value() : 0;
  s.height = fit ? height_->value() : 0;
  s.crf = crfSlot(s.format) >= 0 ? crf_->value() : -1;
  s.gifLoop = loop_->value();
  return s;
}

void ExportDialog::setFormat(ExportFormat format) {
  const int index = format_->findData(exportFormatKey(format));
  if (index >= 0) format_->setCurrentIndex(index);
}

void ExportDialog::setOutputPath(const QString& path) {
  path_->setText(path);
  pathEdited_ = true;
}

void ExportDialog::setSettings(const ExportSettings& s) {
  setFormat(s.format);
  if (!s.path.isEmpty()) setOutputPath(withFormatSuffix(s.path, s.format));
  fps_->setValue(s.fps);
  const bool fit = s.width > 0 || s.height > 0;
  scaleMode_->setCurrentIndex(fit ? kScaleFit : kScaleInteger);
  scale_->setValue(s.scale);
  width_->setValue(s.width);
  height_->setValue(s.height);
  if (crfSlot(s.format) >= 0) crf_->setValue(s.crf >= 0 ? s.crf : exportCrfRange(s.format).defaultValue);
  loop_->setValue(s.gifLoop);
  refreshEnabled();
}

QString ExportDialog::statusText() const { return status_->text(); }

bool ExportDialog::startExport() {
  if (running_) return false;
  const ExportSource& source = sources_[static_cast<size_t>(currentSource())];
  const ExportSettings s = settings();
  QString problem;
  if (source.empty()) problem = tr("There is nothing to export yet: no clip has frames.");
  else if (!exportFormatAvailable(s.format)) problem = tr("This FFmpeg build has no encoder for %1.").arg(formatLabel(s.format));
  else if (s.path.isEmpty()) problem = tr("Choose a file to write.");
  else if (scaleMode_->currentIndex() == kScaleFit && s.width == 0 && s.height == 0)
    problem = tr("Give a width or a height to fit the video to.");
  result_ = ExportResult{};
  if (!problem.isEmpty()) {
    result_.error = problem;
    status_->setStyleSheet(QStringLiteral("color: #c0392b"));
    status_->setText(problem);
    return false;
  }
  path_->setText(s.path);
  saveSettings();
  cancelRequested_ = false;
  running_ = true;
  progress_->setRange(0, std::max(1, source.frames()));
  progress_->setValue(0);
  status_->setStyleSheet(QString());
  status_->setText(tr("Encoding %1…").arg(QDir::toNativeSeparators(s.path)));
  refreshEnabled();
  const std::atomic<bool>* cancel = &cancelRequested_;
  watcher_.setFuture(QtConcurrent::run([this, source, s, cancel] {
    return runExport(source, s, [this, cancel](int done, int total) {
      QMetaObject::invokeMethod(
          this,
          [this, done, total] {
            progress_->setRange(0, std::max(1, total));
            progress_->setValue(done);
            Q_EMIT progressChanged(done, total);
          },
          Qt::QueuedConnection);
      return !cancel->load();
    });
  }));
  return true;
}

void ExportDialog::cancelExport() {
  if (!running_) return;
  cancelRequested_ = true;
  status_->setText(tr("Cancelling…"));
}

void ExportDialog::reject() {
  if (running_) {
    closeWhenDone_ = true;
    cancelExport();
    return;
  }
  QDialog::reject();
}

void ExportDialog::finish() {
  result_ = watcher_.result();
  running_ = false;
  refreshEnabled();
  if (result_.ok) {
    progress_->setValue(progress_->maximum());
    status_->setStyleSheet(QString());
    const QString size = QLocale().formattedDataSize(result_.bytes);
    status_->setText(result_.files.size() > 1
                         ? tr("Wrote %n PNG frame(s) of %1×%2 px (%3), from %4", "", result_.frames)
                               .arg(result_.width)
                               .arg(result_.height)
                               .arg(size, QDir::toNativeSeparators(result_.path))
                         : tr("Wrote %1: %n frame(s) of %2×%3 px, %4", "", result_.frames)
                               .arg(QDir::toNativeSeparators(result_.path))
                               .arg(result_.width)
                               .arg(result_.height)
                               .arg(size));
  } else if (result_.cancelled) {
    progress_->setValue(0);
    status_->setStyleSheet(QString());
    status_->setText(tr("Cancelled; nothing was written."));
  } else {
    status_->setStyleSheet(QStringLiteral("color: #c0392b"));
    status_->setText(tr("Could not export to %1:\n%2").arg(QDir::toNativeSeparators(path_->text()), result_.error));
  }
  Q_EMIT exportFinished(result_.ok);
  if (closeWhenDone_) {
    closeWhenDone_ = false;
    QDialog::reject();
  }
}

void ExportDialog::loadSettings() {
  QSettings settings;
  folder_ = settings.value(QStringLiteral("export/folder"), defaultFolder()).toString();
  ExportFormat format = exportFormatFromKey(settings.value(QStringLiteral("export/format")).toString(), ExportFormat::mp4);
  if (!exportFormatAvailable(format)) format = ExportFormat::gif;
  crfByFormat_[0] = settings.value(QStringLiteral("export/crf/mp4"), -1).toInt();
  crfByFormat_[1] = settings.value(QStringLiteral("export/crf/webm"), -1).toInt();
  {
    const QSignalBlocker block(format_);
    setFormat(format);
  }
  scaleMode_->setCurrentIndex(settings.value(QStringLiteral("export/scaleMode"), kScaleInteger).toInt() == kScaleFit
                                  ? kScaleFit
                                  : kScaleInteger);
  scale_->setValue(settings.value(QStringLiteral("export/scale"), 1).toInt());
  width_->setValue(settings.value(QStringLiteral("export/width"), 0).toInt());
  height_->setValue(settings.value(QStringLiteral("export/height"), 0).toInt());
  loop_->setValue(settings.value(QStringLiteral("export/loop"), 0).toInt());
}

void ExportDialog::saveSettings() const {
  QSettings store;
  const ExportSettings s = settings();
  const QString folder = QFileInfo(s.path).absolutePath();
  store.setValue(QStringLiteral("export/folder"), folder);
  store.setValue(QStringLiteral("export/format"), exportFormatKey(s.format));
  store.setValue(QStringLiteral("export/scaleMode"), scaleMode_->currentIndex());
  store.setValue(QStringLiteral("export/scale"), scale_->value());
  store.setValue(QStringLiteral("export/width"), width_->value());
  store.setValue(QStringLiteral("export/height"), height_->value());
  store.setValue(QStringLiteral("export/crf/mp4"), crfByFormat_[0]);
  store.setValue(QStringLiteral("export/crf/webm"), crfByFormat_[1]);
  store.setValue(QStringLiteral("export/loop"), s.gifLoop);
}

}  // namespace vds::ui
