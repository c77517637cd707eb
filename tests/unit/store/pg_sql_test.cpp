#include "store/postgres/pg_sql.h"

#include <gtest/gtest.h>

#include "store/database.h"

namespace portlens::store {
namespace {

TEST(PgSql, PlaceholdersAreNumberedAsSqliteNumbersThem) {
  EXPECT_EQ(toPostgresPlaceholders("SELECT ?1, ?2, ?1"), "SELECT $1, $2, $1");
  EXPECT_EQ(toPostgresPlaceholders("VALUES (?,?,?)"), "VALUES ($1,$2,$3)");
  // A bare ? after ?4 is 5, as in SQLite.
  EXPECT_EQ(toPostgresPlaceholders("a = ?, b = ?4, c = ?"), "a = $1, b = $4, c = $5");
}

TEST(PgSql, LiteralsNamesAndCommentsAreLeftAlone) {
  EXPECT_EQ(toPostgresPlaceholders("SELECT '?', 'it''s ?', \"a?\" FROM t WHERE x = ?"),
            "SELECT '?', 'it''s ?', \"a?\" FROM t WHERE x = $1");
  EXPECT_EQ(toPostgresPlaceholders("SELECT 1 -- why?\n, ?"), "SELECT 1 -- why?\n, $1");
  EXPECT_EQ(toPostgresPlaceholders("SELECT /* ? */ ?"), "SELECT /* ? */ $1");
  EXPECT_EQ(toPostgresPlaceholders("SELECT 'open"), "SELECT 'open");
}

TEST(PgSql, IntegersAreCheckedNotGuessed) {
  EXPECT_EQ(parsePgInteger("1764672000000"), 1764672000000);
  EXPECT_EQ(parsePgInteger("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(parsePgInteger("t"), 1);
  EXPECT_EQ(parsePgInteger("f"), 0);
  EXPECT_EQ(parsePgInteger("12.000"), 12) << "numeric SUM without a fraction";
  EXPECT_THROW(parsePgInteger("12.5"), StoreError);
  EXPECT_THROW(parsePgInteger("9223372036854775808"), StoreError);
  EXPECT_THROW(parsePgInteger("abc"), StoreError);
  EXPECT_THROW(parsePgInteger(""), StoreError);
  EXPECT_DOUBLE_EQ(parsePgReal("0.25"), 0.25);
  EXPECT_THROW(parsePgReal("x"), StoreError);
}

TEST(PgSql, CopyRowsEscapeWhatWouldEndAFieldOrARow) {
  PgCopyText rows;
  EXPECT_EQ(rows.text(), "");
  rows.add(std::int64_t{22}).add(std::int64_t{-1}).addNull().endRow();
  // What COPY's text format would split, end or read as NULL stays one field of the same text.
  rows.add("tab\there").add("line\nbreak\r").add("C:\\dir\\").add("\\N").add("\\.").add("");
  rows.add(std::string_view("cut\0here", 8)).endRow();
  EXPECT_EQ(rows.text(),
            "22\t-1\t\\N\n"
            "tab\\there\tline\\nbreak\\r\tC:\\\\dir\\\\\t\\\\N\t\\\\.\t\tcut\n")
      << "a NUL ends its field only: the row stays whole";
}

}  // namespace
}  // namespace portlens::store
