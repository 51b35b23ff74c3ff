#include <set>

#include <gtest/gtest.h>

#include "domain/access/account_scope.hpp"
#include "domain/access/api_key.hpp"

using namespace pay::domain;

TEST(api_key, a_new_key_has_stripes_shape_and_256_random_bits) {
  auto test_key = generate_api_key(key_mode::test);
  auto live_key = generate_api_key(key_mode::live);
  EXPECT_EQ(test_key.substr(0, 8), "sk_test_");
  EXPECT_EQ(live_key.substr(0, 8), "sk_live_");
  EXPECT_EQ(test_key.size(), key_length);
  EXPECT_TRUE(is_well_formed_api_key(test_key));
  EXPECT_EQ(mode_of_api_key(live_key), key_mode::live);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(generate_api_key(key_mode::test));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(api_key, anything_but_the_exact_shape_is_refused_before_hashing) {
  auto key = generate_api_key(key_mode::test);
  EXPECT_FALSE(is_well_formed_api_key(key.substr(1)));
  EXPECT_FALSE(is_well_formed_api_key(key + "x"));
  EXPECT_FALSE(is_well_formed_api_key("pk_test_" + key.substr(8)));
  auto bad = key;
  bad[20] = '-';
  EXPECT_FALSE(is_well_formed_api_key(bad));
  EXPECT_FALSE(is_well_formed_api_key(""));
}

TEST(api_key, the_stored_hash_is_sha256_and_compares_in_constant_time) {
  auto hash = api_key_hash("sk_test_abc");
  EXPECT_EQ(hash.size(), 32u);
  EXPECT_TRUE(same_key_hash(hash, api_key_hash("sk_test_abc")));
  EXPECT_FALSE(same_key_hash(hash, api_key_hash("sk_test_abd")));
  EXPECT_FALSE(same_key_hash(hash, hash.substr(1)));
}

TEST(api_key, roles_and_modes_read_back_what_they_print) {
  for (auto role : {key_role::merchant, key_role::readonly, key_role::admin})
    EXPECT_EQ(parse_key_role(to_string(role)), role);
  EXPECT_FALSE(parse_key_role("root"));
  EXPECT_FALSE(parse_key_mode("prod"));
  EXPECT_TRUE(is_account_id(generate_account_id()));
  EXPECT_FALSE(is_account_id("acct_short"));
}

TEST(account_scope, a_merchant_id_is_stored_in_its_accounts_namespace) {
  auto a = account_scope::of("acct_AAAAAAAAAAAAAAAA");
  auto b = account_scope::of("acct_BBBBBBBBBBBBBBBB");
  EXPECT_EQ(a.in("chk_1"), "acct_AAAAAAAAAAAAAAAA:chk_1");
  EXPECT_NE(a.in("chk_1"), b.in("chk_1"));
  EXPECT_EQ(a.out(a.in("chk_1")), "chk_1");
  EXPECT_TRUE(a.owns(a.in("x")));
  EXPECT_FALSE(b.owns(a.in("x")));
  // Naming another account's id only nests it inside one's own.
  EXPECT_TRUE(b.owns(b.in(a.in("x"))));
  EXPECT_NE(b.in(a.in("x")), a.in("x"));
}

TEST(account_scope, a_stored_id_names_the_account_it_belongs_to) {
  auto a = account_scope::of("acct_AAAAAAAAAAAAAAAA");
  EXPECT_EQ(account_of(a.in("chk_1")), "acct_AAAAAAAAAAAAAAAA");
  // The outer account owns an id that names another one inside it.
  EXPECT_EQ(account_of(a.in("acct_BBBBBBBBBBBBBBBB:x")),
            "acct_AAAAAAAAAAAAAAAA");
  // The platform's ids belong to no account, whatever they contain.
  EXPECT_EQ(account_of("chk_1"), "");
  EXPECT_EQ(account_of("order:1"), "");
  EXPECT_EQ(account_of("acct_short:1"), "");
}

TEST(account_scope, the_platform_sees_ids_as_stored) {
  account_scope platform;
  EXPECT_TRUE(platform.is_platform());
  EXPECT_EQ(platform.in("acct_AAAAAAAAAAAAAAAA:chk_1"),
            "acct_AAAAAAAAAAAAAAAA:chk_1");
  EXPECT_EQ(platform.out("chk_1"), "chk_1");
  EXPECT_TRUE(platform.owns("anything"));
}
