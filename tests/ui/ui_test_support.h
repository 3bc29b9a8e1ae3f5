// Shared by the UI suites: micro run configs that train in seconds on one core, a
// temporary workspace with the settings kept out of the user's own, and the tiny
// packages of the cli.sample_models fixture.
#pragma once
#include <QFile>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include "ui/main_window.h"

namespace vds::uitest {

// An autoencoder job small enough that an iteration takes a few milliseconds.
inline QString microRunYaml(const QString& name, int steps, int sampleEvery = 5) {
  return QStringLiteral(
             "run: {seed: 1, device: cpu, threads: 1, name: %1}\n"
             "data: {size: 16, frames: 2, batch_size: 2, clips: 64, prefetch: 2}\n"
             "trainer: {steps: %2, log_every: 1, sample_every: %3, checkpoint_every: 0, warmup_steps: 2}\n"
             "method: {name: autoencoder, autoencoder: {architecture: {channels: [8, 16], max_groups: 8}}}\n")
      .arg(name)
      .arg(steps)
      .arg(sampleEvery);
}

// A folder of the cli.sample_models fixture (tiny random packages), which CTest names in
// VDS_UI_FIXTURE_DIR.
inline QString fixture(const QString& name) {
  return QString::fromLocal8Bit(qgetenv("VDS_UI_FIXTURE_DIR")) + QLatin1Char('/') + name;
}

// Whether the fixture has been written, up to the package a suite needs.
inline bool hasFixture(const QString& package) {
  return !qEnvironmentVariableIsEmpty("VDS_UI_FIXTURE_DIR") && QFile::exists(fixture(package + QStringLiteral("/model.yaml")));
}

// Studio options for a window whose workspace is `dir` and whose window layout and
// settings are not restored from an earlier session.
inline vds::ui::StudioOptions optionsIn(const QTemporaryDir& dir) {
  vds::ui::StudioOptions o;
  o.workspace = dir.path().toStdString();
  o.restoreSettings = false;
  return o;
}

inline void isolateSettings() {
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName(QStringLiteral("vdstudio-tests"));
  QCoreApplication::setApplicationName(QStringLiteral("vdstudio-tests"));
}

}  // namespace vds::uitest
