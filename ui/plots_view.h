// Live loss plots: one QCustomPlot per scalar key (drag to pan, wheel to zoom,
// double-click to fit), EMA smoothing, log-y, step or wall-time x axis and a hover
// read-out; plus a bar view of timestep-binned losses and a gradient-norm balance
// meter, shown when a method emits those keys (see scalar_history.h). A method that
// reports loss weights (lambda_<name> keys) gets an editor per weight, and a suggested
// weight next to the balance meter gets a one-click Apply; both ask for the change
// through lossWeightRequested (the window sends SetLossWeightCommand).
#pragma once
#include <QWidget>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ui/scalar_history.h"

class QAbstractButton;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QCustomPlot;
class QGridLayout;
class QLabel;
class QLineEdit;
class QSlider;
class QTimer;

namespace vds::ui {

// Each loss's share of the summed gradient norms, as one stacked bar with a legend.
class GradNormMeter : public QWidget {
  Q_OBJECT
 public:
  explicit GradNormMeter(QWidget* parent = nullptr);
  void setNorms(std::vector<std::pair<QString, double>> norms);
  const std::vector<std::pair<QString, double>>& norms() const { return norms_; }
  QSize sizeHint() const override { return {400, 56}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  std::vector<std::pair<QString, double>> norms_;
};

class PlotsView : public QWidget {
  Q_OBJECT
 public:
  explicit PlotsView(QWidget* parent = nullptr);
  ~PlotsView() override;

  void addScalars(const std::vector<ScalarsEvent>& batch);
  // Shows a stored run's history (the run browser, or a resume).
  void loadHistory(const std::filesystem::path& metricsFile);
  void clear();

  QStringList keys() const;
  int pointCount(const QString& key) const;
  // The newest value reported for a key; nullopt before the first one.
  std::optional<double> latestValue(const QString& key) const;
  // The plot widget of one key; null when the key has not been seen.
  QWidget* plotWidget(const QString& key) const;
  // The hover read-out of the plot under the mouse (for tests and the status tip).
  QString readout() const;
  bool binnedViewVisible() const;
  bool gradMeterVisible() const;
  GradNormMeter* gradMeter() const { return gradMeter_; }
  // Loss weights the run reports (lambda_<name> keys), their editors and Set buttons, and
  // the Apply button of a suggested weight; null when not reported.
  QStringList lossWeightNames() const;
  QDoubleSpinBox* lossWeightEditor(const QString& name) const;
  QAbstractButton* lossWeightSetButton(const QString& name) const;
  QAbstractButton* applySuggestionButton(const QString& name) const;
  std::optional<double> suggestedWeight(const QString& name) const;  // what Apply sends
  // Weight editing needs a live run; a browsed history only shows the values.
  void setLossWeightsEditable(bool editable);
  // Re-draws now instead of on the coalescing timer (screenshots, tests).
  void replotNow();

 Q_SIGNALS:
  void lossWeightRequested(const QString& name, double value);

 private:
  struct WeightRow;
  struct Suggestion;
  struct Plot;
  Plot& plotFor(const std::string& key);
  void refreshAll();
  void refreshPlot(Plot& plot);
  void refreshBins();
  void refreshGradMeter();
  void refreshLossWeights();
  // Shows `value` in the weight's editor until the run reports it, and asks for it.
  void sendLossWeight(const QString& name, double value);
  void relayout();
  void showReadout(Plot& plot, double pixelX);

  ScalarHistory history_;
  std::map<std::string, std::unique_ptr<Plot>> plots_;
  QSlider* smoothing_ = nullptr;
  QLabel* smoothingLabel_ = nullptr;
  QCheckBox* logY_ = nullptr;
  QComboBox* xAxis_ = nullptr;
  QLineEdit* filter_ = nullptr;
  QLabel* readout_ = nullptr;
  QGridLayout* grid_ = nullptr;
  QWidget* binsBox_ = nullptr;
  QComboBox* binGroup_ = nullptr;
  QCustomPlot* bins_ = nullptr;
  GradNormMeter* gradMeter_ = nullptr;
  QWidget* gradBox_ = nullptr;
  QWidget* suggestionsHost_ = nullptr;
  QWidget* weightsBox_ = nullptr;
  std::map<std::string, std::unique_ptr<WeightRow>> weights_;
  std::map<std::string, std::unique_ptr<Suggestion>> suggestions_;
  bool weightsEditable_ = false;
  QTimer* replotTimer_ = nullptr;
  std::vector<std::string> dirty_;
};

}  // namespace vds::ui
