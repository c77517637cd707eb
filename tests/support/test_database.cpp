#include "support/test_database.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>

namespace portlens::testing {
namespace {

std::string safeName(const std::string& text) {
  std::string out;
  for (char c : text) {
    out +=
        std::isalnum(static_cast<unsigned char>(c)) != 0 ? static_cast<char>(std::tolower(c)) : '_';
  }
  return out.substr(0, 40);
}

}  // namespace

std::string backendName(store::Backend backend) {
  return backend == store::Backend::kSqlite ? "sqlite" : "postgres";
}

std::string testClusterUrl() {
  const char* file = std::getenv("PORTLENS_TEST_PG_URL_FILE");
  if (file == nullptr) return {};
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  return url;
}

TestDatabase::TestDatabase(store::Backend backend, const std::string& tag) : backend_(backend) {
  static std::atomic<int> counter{0};
  const std::string unique =
      std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + safeName(tag);
  dir_ = std::filesystem::temp_directory_path() / ("portlens-db-test-" + unique);
  std::filesystem::create_directories(dir_);
  if (backend == store::Backend::kSqlite) {
    location_ = (dir_ / "t.db").string();
    return;
  }
  const std::string url = testClusterUrl();
  if (url.empty()) return;
  schema_ = "t_" + unique;
  store::Database admin(url);
  admin.exec("CREATE SCHEMA " + schema_);
  location_ = url + (url.find('?') == std::string::npos ? "?" : "&") +
              "options=-c%20search_path%3D" + schema_;
}

TestDatabase::~TestDatabase() {
  if (!schema_.empty()) {
    try {
      store::Database admin(testClusterUrl());
      admin.exec("DROP SCHEMA " + schema_ + " CASCADE");
    } catch (...) {  // the cluster is removed at the end of the run anyway
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void BackendTest::SetUp() {
  database_ = std::make_unique<TestDatabase>(
      GetParam(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
  if (!database_->available()) GTEST_SKIP() << "no PostgreSQL test cluster (pg.start skipped)";
}

}  // namespace portlens::testing
