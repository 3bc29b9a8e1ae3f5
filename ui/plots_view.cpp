#include "ui/plots_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

// qcustomplot.h uses Qt's lower-case keywords, which this project turns off
// (QT_NO_KEYWORDS) for LibTorch's sake; lend them for this one include.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach

namespace vds::ui {
namespace {

// Interval of the coalescing replot timer: plots redraw at most this often.
constexpr int kReplotMs = 150;
const QColor kRaw(120, 160, 220, 90);
const QColor kSmooth(30, 90, 200);
// Range and precision of the loss-weight editors.
constexpr double kMaxLossWeight = 1000.0;
constexpr int kLossWeightDecimals = 4;

QVector<double> toQVector(const std::vector<double>& v) { return QVector<double>(v.begin(), v.end()); }

}  // namespace

struct PlotsView::Plot {
  std::string key;
  QWidget* box = nullptr;
  QCustomPlot* plot = nullptr;
  bool userZoomed = false;
};

// One loss weight: its editor follows the reported value, except while the user edits it
// and after a send until the run reports the value sent.
struct PlotsView::WeightRow {
  QDoubleSpinBox* editor = nullptr;
  QPushButton* set = nullptr;
  std::string key;  // the lambda_<name> series it shows
  bool userEdited = false;
  std::optional<double> sent;
  size_t sentAt = 0;  // points the series had when the value was sent
};

struct PlotsView::Suggestion {
  QLabel* label = nullptr;
  QPushButton* apply = nullptr;
  double value = 0;
};

GradNormMeter::GradNormMeter(QWidget* parent) : QWidget(parent) { setMinimumHeight(48); }

void GradNormMeter::setNorms(std::vector<std::pair<QString, double>> norms) {
  norms_ = std::move(norms);
  update();
}

void GradNormMeter::paintEvent(QPaintEvent*) {
  QPainter p(this);
  double total = 0;
  for (const auto& [name, v] : norms_) total += std::max(0.0, v);
  const QRect bar(4, 4, width() - 8, 20);
  p.fillRect(bar, palette().color(QPalette::AlternateBase));
  if (total <= 0) return;
  int x = bar.left(), legendX = 4;
  for (size_t i = 0; i < norms_.size(); ++i) {
    const QColor color = QColor::fromHsv(static_cast<int>(i * 360 / std::max<size_t>(1, norms_.size())), 160, 210);
    const double share = std::max(0.0, norms_[i].second) / total;
    const int w = i + 1 == norms_.size() ? bar.right() - x + 1 : static_cast<int>(share * bar.width());
    p.fillRect(QRect(x, bar.top(), w, bar.height()), color);
    x += w;
    const QString text = tr("%1 %2% (%3)").arg(norms_[i].first).arg(share * 100, 0, 'f', 0).arg(norms_[i].second, 0, 'g', 3);
    p.fillRect(QRect(legendX, bar.bottom() + 8, 10, 10), color);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(legendX + 14, bar.bottom() + 18, text);
    legendX += 24 + fontMetrics().horizontalAdvance(text);
  }
}

PlotsView::PlotsView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  controls->addWidget(new QLabel(tr("Smoothing")));
  smoothing_ = new QSlider(Qt::Horizontal);
  smoothing_->setRange(0, 99);
  smoothing_->setValue(60);
  smoothing_->setToolTip(tr("EMA weight on the past: 0 shows raw values"));
  smoothing_->setMaximumWidth(200);
  controls->addWidget(smoothing_);
  smoothingLabel_ = new QLabel;
  controls->addWidget(smoothingLabel_);
  logY_ = new QCheckBox(tr("&Log y"));
  controls->addWidget(logY_);
  controls->addWidget(new QLabel(tr("x axis")));
  xAxis_ = new QComboBox;
  xAxis_->addItem(tr("step"));
  xAxis_->addItem(tr("wall time (s)"));
  controls->addWidget(xAxis_);
  filter_ = new QLineEdit;
  filter_->setPlaceholderText(tr("filter keys…"));
  filter_->setClearButtonEnabled(true);
  controls->addWidget(filter_);
  controls->addStretch();
  layout->addLayout(controls);

  readout_ = new QLabel(tr("hover a plot to read values; drag to pan, wheel to zoom, double-click to fit"));
  readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(readout_);

  gradBox_ = new QGroupBox(tr("Gradient-norm balance (newest step)"));
  auto* gradLayout = new QVBoxLayout(gradBox_);
  gradMeter_ = new GradNormMeter;
  gradLayout->addWidget(gradMeter_);
  suggestionsHost_ = new QWidget;
  new QHBoxLayout(suggestionsHost_);
  suggestionsHost_->layout()->setContentsMargins(0, 0, 0, 0);
  gradLayout->addWidget(suggestionsHost_);
  gradBox_->setVisible(false);
  weightsBox_ = new QGroupBox(tr("Loss weights (sent to the running method)"));
  new QHBoxLayout(weightsBox_);
  weightsBox_->setVisible(false);
  auto* balanceRow = new QHBoxLayout;
  balanceRow->addWidget(gradBox_, 3);
  balanceRow->addWidget(weightsBox_, 2);
  layout->addLayout(balanceRow);

  binsBox_ = new QGroupBox(tr("Loss by timestep bin (smoothed, newest)"));
  auto* binsLayout = new QVBoxLayout(binsBox_);
  binGroup_ = new QComboBox;
  binsLayout->addWidget(binGroup_);
  bins_ = new QCustomPlot;
  bins_->setMinimumHeight(160);
  bins_->xAxis->setLabel(tr("timestep"));
  binsLayout->addWidget(bins_);
  binsBox_->setVisible(false);
  layout->addWidget(binsBox_);

  auto* scroll = new QScrollArea;
  scroll->setWidgetResizable(true);
  auto* gridHost = new QWidget;
  grid_ = new QGridLayout(gridHost);
  scroll->setWidget(gridHost);
  layout->addWidget(scroll, 1);

  replotTimer_ = new QTimer(this);
  replotTimer_->setSingleShot(true);
  replotTimer_->setInterval(kReplotMs);
  connect(replotTimer_, &QTimer::timeout, this, [this] {
    for (const auto& key : dirty_)
      if (auto it = plots_.find(key); it != plots_.end()) refreshPlot(*it->second);
    dirty_.clear();
    refreshBins();
    refreshGradMeter();
    refreshLossWeights();
  });
  const auto redrawAll = [this] { refreshAll(); };
  connect(smoothing_, &QSlider::valueChanged, this, [this](int v) {
    smoothingLabel_->setText(QString::number(v / 100.0, 'f', 2));
    refreshAll();
  });
  smoothingLabel_->setText(QString::number(smoothing_->value() / 100.0, 'f', 2));
  connect(logY_, &QCheckBox::toggled, this, redrawAll);
  connect(xAxis_, &QComboBox::currentIndexChanged, this, [this] {
    for (auto& [k, p] : plots_) p->userZoomed = false;
    refreshAll();
  });
  connect(filter_, &QLineEdit::textChanged, this, [this] { relayout(); });
  connect(binGroup_, &QComboBox::currentIndexChanged, this, [this] { refreshBins(); });
}

PlotsView::~PlotsView() = default;

PlotsView::Plot& PlotsView::plotFor(const std::string& key) {
  auto& slot = plots_[key];
  if (slot) return *slot;
  slot = std::make_unique<Plot>();
  Plot& p = *slot;
  p.key = key;
  p.box = new QWidget;
  auto* l = new QVBoxLayout(p.box);
  l->setContentsMargins(0, 0, 0, 0);
  auto* title = new QLabel(QString::fromStdString(key));
  title->setStyleSheet(QStringLiteral("font-weight: bold"));
  l->addWidget(title);
  p.plot = new QCustomPlot;
  p.plot->setMinimumSize(260, 170);
  p.plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  p.plot->setMouseTracking(true);  // hover read-out without a pressed button
  p.plot->addGraph();  // raw
  p.plot->graph(0)->setPen(QPen(kRaw));
  p.plot->addGraph();  // smoothed
  p.plot->graph(1)->setPen(QPen(kSmooth, 1.6));
  l->addWidget(p.plot);
  Plot* raw = &p;
  connect(p.plot, &QCustomPlot::mouseMove, this, [this, raw](QMouseEvent* e) { showReadout(*raw, e->position().x()); });
  connect(p.plot, &QCustomPlot::mouseDoubleClick, this, [this, raw](QMouseEvent*) {
    raw->userZoomed = false;
    refreshPlot(*raw);
  });
  connect(p.plot, &QCustomPlot::mouseWheel, this, [raw](QWheelEvent*) { raw->userZoomed = true; });
  connect(p.plot, &QCustomPlot::mousePress, this, [raw](QMouseEvent*) { raw->userZoomed = true; });
  relayout();
  return p;
}

void PlotsView::relayout() {
  while (grid_->count() > 0) grid_->takeAt(0);
  const QString filter = filter_->text().trimmed();
  int i = 0;
  for (auto& [key, plot] : plots_) {
    // Binned keys live in the bar view and grad norms in the meter; hiding them here keeps
    // the grid readable when a method emits dozens of them.
    const bool visible = (filter.isEmpty() || QString::fromStdString(key).contains(filter, Qt::CaseInsensitive)) &&
                         (!parseTimestepBin(key) || !filter.isEmpty());
    plot->box->setVisible(visible);
    if (!visible) continue;
    grid_->addWidget(plot->box, i / 2, i % 2);
    ++i;
  }
}

void PlotsView::addScalars(const std::vector<ScalarsEvent>& batch) {
  for (const auto& event : batch) {
    for (const auto& key : history_.append(event)) plotFor(key);
    for (const auto& [key, v] : event.values)
      if (std::find(dirty_.begin(), dirty_.end(), key) == dirty_.end()) dirty_.push_back(key);
  }
  if (!replotTimer_->isActive()) replotTimer_->start();
}

void PlotsView::loadHistory(const std::filesystem::path& metricsFile) {
  clear();
  history_.loadFromStore(metricsFile);
  for (const auto& [key, s] : history_.series()) plotFor(key);
  refreshAll();
}

void PlotsView::clear() {
  for (auto& [k, p] : plots_) p->box->deleteLater();
  plots_.clear();
  history_.clear();
  dirty_.clear();
  binGroup_->clear();
  binsBox_->setVisible(false);
  gradBox_->setVisible(false);
  for (auto& [name, row] : weights_) row->editor->parentWidget()->deleteLater();
  weights_.clear();
  for (auto& [name, s] : suggestions_) {
    s->label->deleteLater();
    s->apply->deleteLater();
  }
  suggestions_.clear();
  weightsBox_->setVisible(false);
}

void PlotsView::refreshAll() {
  for (auto& [k, p] : plots_) refreshPlot(*p);
  dirty_.clear();
  refreshBins();
  refreshGradMeter();
  refreshLossWeights();
}

void PlotsView::replotNow() {
  replotTimer_->stop();
  refreshAll();
}

void PlotsView::refreshPlot(Plot& p) {
  const ScalarSeries* s = history_.find(p.key);
  if (!s) return;
  const bool wall = xAxis_->currentIndex() == 1;
  const QVector<double> x = toQVector(wall ? s->wallSeconds : s->steps);
  p.plot->graph(0)->setData(x, toQVector(s->values), true);
  p.plot->graph(1)->setData(x, toQVector(emaSmooth(s->values, smoothing_->value() / 100.0)), true);
  const bool log = logY_->isChecked();
  p.plot->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  if (log) p.plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
  else p.plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  p.plot->xAxis->setLabel(wall ? tr("wall time (s)") : tr("step"));
  if (!p.userZoomed) {
    p.plot->rescaleAxes();
    if (log) {
      // Non-positive values have no place on a log axis; fit to the positive ones.
      double lo = 0, hi = 0;
      for (double v : s->values)
        if (v > 0) {
          lo = lo > 0 ? std::min(lo, v) : v;
          hi = std::max(hi, v);
        }
      if (lo > 0) p.plot->yAxis->setRange(lo * 0.9, hi * 1.1);
    }
  }
  p.plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotsView::refreshBins() {
  std::map<std::string, std::vector<std::pair<TimestepBin, double>>> groups;
  const double smoothing = smoothing_->value() / 100.0;
  for (const auto& [key, s] : history_.series())
    if (auto bin = parseTimestepBin(key); bin && s.size() > 0)
      groups[bin->group].push_back({*bin, emaSmooth(s.values, smoothing).back()});
  binsBox_->setVisible(!groups.empty());
  if (groups.empty()) return;
  const QString current = binGroup_->currentText();
  {
    const QSignalBlocker block(binGroup_);
    binGroup_->clear();
    for (const auto& [g, b] : groups) binGroup_->addItem(QString::fromStdString(g));
    const int i = binGroup_->findText(current);
    binGroup_->setCurrentIndex(i >= 0 ? i : 0);
  }
  auto& bins = groups[binGroup_->currentText().toStdString()];
  std::sort(bins.begin(), bins.end(), [](const auto& a, const auto& b) { return a.first.lo < b.first.lo; });
  bins_->clearPlottables();
  auto* bars = new QCPBars(bins_->xAxis, bins_->yAxis);
  QVector<double> x, y;
  double width = 1;
  for (const auto& [bin, v] : bins) {
    x << (bin.lo + bin.hi) / 2;
    y << v;
    width = std::max(width, (bin.hi - bin.lo) * 0.9);
  }
  bars->setWidth(width);
  bars->setData(x, y);
  bars->setBrush(kSmooth.lighter(150));
  bins_->rescaleAxes();
  bins_->yAxis->setRangeLower(0);
  bins_->xAxis->scaleRange(1.1);
  bins_->replot(QCustomPlot::rpQueuedReplot);
}

void PlotsView::refreshGradMeter() {
  std::vector<std::pair<QString, double>> norms;
  for (const auto& [key, s] : history_.series())
    if (auto loss = gradNormLoss(key); loss && s.size() > 0) norms.push_back({QString::fromStdString(*loss), s.values.back()});
  gradMeter_->setVisible(!norms.empty());
  gradMeter_->setNorms(std::move(norms));
  gradBox_->setVisible(!gradMeter_->isHidden() || !suggestions_.empty());
}

void PlotsView::refreshLossWeights() {
  for (const auto& [key, s] : history_.series()) {
    if (s.size() == 0) continue;
    const double newest = s.values.back();
    if (const auto name = lossWeightName(key)) {
      auto& row = weights_[*name];
      if (!row) {
        row = std::make_unique<WeightRow>();
        const QString qname = QString::fromStdString(*name);
        auto* host = new QWidget;
        auto* l = new QHBoxLayout(host);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(new QLabel(tr("λ %1").arg(qname)));
        row->editor = new QDoubleSpinBox;
        row->editor->setRange(0.0, kMaxLossWeight);
        row->editor->setDecimals(kLossWeightDecimals);
        row->editor->setSingleStep(0.1);
        row->editor->setAccelerated(true);
        row->set = new QPushButton(tr("Set"));
        row->set->setToolTip(tr("send the weight of loss '%1' to the running method").arg(qname));
        l->addWidget(row->editor);
        l->addWidget(row->set);
        weightsBox_->layout()->addWidget(host);
        WeightRow* raw = row.get();
        row->key = key;
        connect(row->editor, &QDoubleSpinBox::valueChanged, this, [raw] { raw->userEdited = true; });
        connect(row->set, &QPushButton::clicked, this, [this, raw, qname] { sendLossWeight(qname, raw->editor->value()); });
      }
      row->set->setEnabled(weightsEditable_);
      row->editor->setEnabled(weightsEditable_);
      if (row->sent)
        for (size_t i = std::min(row->sentAt, s.size()); i < s.size(); ++i)
          if (std::abs(s.values[i] - *row->sent) <= 1e-9 * (1 + std::abs(*row->sent))) {
            row->sent.reset();
            break;
          }
      if (!row->userEdited && !row->sent) {
        const QSignalBlocker block(row->editor);
        row->editor->setValue(newest);
      }
    }
    if (const auto name = suggestedWeightName(key)) {
      auto& sug = suggestions_[*name];
      const QString qname = QString::fromStdString(*name);
      if (!sug) {
        sug = std::make_unique<Suggestion>();
        sug->label = new QLabel;
        sug->apply = new QPushButton(tr("Apply"));
        sug->apply->setToolTip(tr("set the weight of loss '%1' to the suggested value").arg(qname));
        suggestionsHost_->layout()->addWidget(sug->label);
        suggestionsHost_->layout()->addWidget(sug->apply);
        Suggestion* raw = sug.get();
        connect(sug->apply, &QPushButton::clicked, this, [this, raw, qname] { sendLossWeight(qname, raw->value); });
      }
      sug->value = newest;
      sug->label->setText(tr("suggested λ %1 = %2").arg(qname).arg(newest, 0, 'g', 4));
      sug->apply->setEnabled(weightsEditable_);
    }
  }
  weightsBox_->setVisible(!weights_.empty());
  gradBox_->setVisible(!gradMeter_->isHidden() || !suggestions_.empty());
}

void PlotsView::sendLossWeight(const QString& name, double value) {
  if (auto it = weights_.find(name.toStdString()); it != weights_.end()) {
    WeightRow& row = *it->second;
    const QSignalBlocker block(row.editor);
    row.editor->setValue(value);
    row.userEdited = false;
    row.sent = value;
    const ScalarSeries* series = history_.find(row.key);
    row.sentAt = series ? series->size() : 0;
  }
  Q_EMIT lossWeightRequested(name, value);
}

void PlotsView::setLossWeightsEditable(bool editable) {
  weightsEditable_ = editable;
  for (auto& [name, row] : weights_) {
    row->editor->setEnabled(editable);
    row->set->setEnabled(editable);
  }
  for (auto& [name, s] : suggestions_) s->apply->setEnabled(editable);
}

QStringList PlotsView::lossWeightNames() const {
  QStringList out;
  for (const auto& [name, row] : weights_) out << QString::fromStdString(name);
  return out;
}

QDoubleSpinBox* PlotsView::lossWeightEditor(const QString& name) const {
  const auto it = weights_.find(name.toStdString());
  return it == weights_.end() ? nullptr : it->second->editor;
}

QAbstractButton* PlotsView::lossWeightSetButton(const QString& name) const {
  const auto it = weights_.find(name.toStdString());
  return it == weights_.end() ? nullptr : it->second->set;
}

std::optional<double> PlotsView::latestValue(const QString& key) const {
  const ScalarSeries* s = history_.find(key.toStdString());
  if (!s || s->size() == 0) return std::nullopt;
  return s->values.back();
}

std::optional<double> PlotsView::suggestedWeight(const QString& name) const {
  const auto it = suggestions_.find(name.toStdString());
  if (it == suggestions_.end()) return std::nullopt;
  return it->second->value;
}

QAbstractButton* PlotsView::applySuggestionButton(const QString& name) const {
  const auto it = suggestions_.find(name.toStdString());
  return it == suggestions_.end() ? nullptr : it->second->apply;
}

void PlotsView::showReadout(Plot& p, double pixelX) {
  const ScalarSeries* s = history_.find(p.key);
  if (!s || s->size() == 0) return;
  const bool wall = xAxis_->currentIndex() == 1;
  const std::vector<double>& xs = wall ? s->wallSeconds : s->steps;
  const double x = p.plot->xAxis->pixelToCoord(pixelX);
  const auto it = std::lower_bound(xs.begin(), xs.end(), x);
  size_t i = static_cast<size_t>(std::min<std::ptrdiff_t>(it - xs.begin(), static_cast<std::ptrdiff_t>(xs.size()) - 1));
  if (i > 0 && std::abs(xs[i - 1] - x) < std::abs(xs[i] - x)) --i;
  const double smooth = emaSmooth(s->values, smoothing_->value() / 100.0)[i];
  readout_->setText(tr("%1 · step %2 · %3 s · value %4 · smoothed %5")
                        .arg(QString::fromStdString(p.key))
                        .arg(static_cast<qint64>(s->steps[i]))
                        .arg(s->wallSeconds[i], 0, 'f', 1)
                        .arg(s->values[i], 0, 'g', 5)
                        .arg(smooth, 0, 'g', 5));
}

QStringList PlotsView::keys() const {
  QStringList out;
  for (const auto& [k, p] : plots_) out << QString::fromStdString(k);
  return out;
}

int PlotsView::pointCount(const QString& key) const {
  const auto it = plots_.find(key.toStdString());
  return it == plots_.end() ? 0 : it->second->plot->graph(0)->dataCount();
}

QWidget* PlotsView::plotWidget(const QString& key) const {
  const auto it = plots_.find(key.toStdString());
  return it == plots_.end() ? nullptr : it->second->plot;
}

QString PlotsView::readout() const { return readout_->text(); }
bool PlotsView::binnedViewVisible() const { return !binsBox_->isHidden(); }
bool PlotsView::gradMeterVisible() const { return !gradBox_->isHidden() && !gradMeter_->isHidden(); }

}  // namespace vds::ui
