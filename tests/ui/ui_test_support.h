// Shared by the UI suites: micro run configs that train in seconds on one core, and a
// temporary workspace with the settings kept out of the user's own.
#pragma once
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>
#include <QtTest/QtTest>

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

inline void isolateSettings() {
  QStandardPaths::setTestModeEnabled(true);
  QCoreApplication::setOrganizationName(QStringLiteral("vdstudio-tests"));
  QCoreApplication::setApplicationName(QStringLiteral("vdstudio-tests"));
}

}  // namespace vds::uitest
