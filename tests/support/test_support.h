// Helpers shared by the Qt Test suites.
#pragma once
#include <QtTest/QtTest>
#include <torch/torch.h>

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <string>

namespace vds::test {

// Largest absolute elementwise difference between two tensors (as double).
double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b);

// A fresh temporary directory removed when the object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// tests/data in the source tree.
std::filesystem::path dataDir();

// Writes `bytes` to `path` verbatim.
void writeBytes(const std::filesystem::path& path, const std::string& bytes);
std::string readBytes(const std::filesystem::path& path);

// A model package folder copied to `to` (returned), so that a test can break the copy.
std::filesystem::path copyPackage(const std::filesystem::path& from, const std::filesystem::path& to);
// Loads the package's model.yaml, applies `edit` and writes it back.
void editManifest(const std::filesystem::path& dir, const std::function<void(YAML::Node&)>& edit);

}  // namespace vds::test

// QVERIFY2 that the callable throws exception type E whose message contains `needle`.
#define VDS_EXPECT_THROW_MSG(statement, E, needle)                                                     \
  do {                                                                                                  \
    bool vdsThrown_ = false;                                                                            \
    try {                                                                                               \
      statement;                                                                                        \
    } catch (const E& vdsErr_) {                                                                        \
      vdsThrown_ = true;                                                                                \
      const std::string vdsMsg_ = vdsErr_.what();                                                       \
      QVERIFY2(vdsMsg_.find(needle) != std::string::npos,                                               \
               qPrintable(QString("message '%1' lacks '%2'").arg(vdsMsg_.c_str(), QString(needle)))); \
    }                                                                                                   \
    QVERIFY2(vdsThrown_, "expected " #E " from " #statement);                                           \
  } while (0)
