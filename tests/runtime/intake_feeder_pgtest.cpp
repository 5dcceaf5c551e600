// Connectors never stall (issue 9, item 5): an input that keeps failing is set aside
// as rejected after a bounded number of tries, and the inputs after it flow.
#include "engine/runtime/jobs/intake_feeder.hpp"

#include "tests/api/api_fixture.hpp"

namespace petitiond {
namespace {

Intake Mail(const std::string& subject, const std::string& raw) {
  Intake in;
  in.channel = "mailbox";
  in.source = "new/" + raw;
  in.content_type = "message/rfc822";
  in.raw = raw;
  in.subject = subject;
  in.body = "內容";
  in.office = "main";
  in.petitioner.name = "林小姐";
  in.petitioner.email = "lin@example.tw";
  return in;
}

TEST_F(ApiTest, AnInputThatKeepsFailingIsSetAsideAndTheNextFlows) {
  t_.db().Run([](store::Tx& tx) {
    store::Sql(tx) << "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                      "IF NEW.subject = '爆炸' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$";
    store::Sql(tx) << "CREATE TRIGGER boom BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION boom()";
  });
  runtime::IntakeFeeder feeder(intake_service_, 3);
  const Intake poison = Mail("爆炸", "poison-1");
  EXPECT_FALSE(feeder.Take(Received{poison, std::nullopt})) << "kept for the next round";
  EXPECT_FALSE(feeder.Take(Received{poison, std::nullopt}));
  EXPECT_TRUE(feeder.Take(Received{poison, std::nullopt})) << "the third failure sets it aside";
  EXPECT_EQ(Count("SELECT count(*) FROM intake_raw WHERE status = 'rejected' AND reason LIKE 'failed 3 times:%' "
                  "AND raw = 'poison-1'"),
            1);
  EXPECT_TRUE(feeder.Take(Received{Mail("戶籍謄本", "next-1"), std::nullopt}));
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE subject = '戶籍謄本'"), 1);
}

// Reproduction: a feed GUID too long for the unique index failed every round.
TEST_F(ApiTest, AnOverlongExternalReferenceIsStoredAsItsDigest) {
  runtime::IntakeFeeder feeder(intake_service_, 3);
  Intake item;
  item.channel = "news";
  item.source = "feed";
  item.content_type = "application/rss+xml";
  item.raw = "<item/>";
  item.subject = "蘭嶼戶政停班";
  item.body = "報導";
  item.office = "main";
  item.external_ref = std::string(5000, 'g');
  ASSERT_TRUE(feeder.Take(Received{item, std::nullopt}));
  EXPECT_EQ(Count("SELECT count(*) FROM cases WHERE external_ref LIKE 'sha256:%'"), 1);
  ASSERT_TRUE(feeder.Take(Received{item, std::nullopt}));
  EXPECT_EQ(Count("SELECT count(*) FROM cases"), 1) << "the same GUID is still recognised";
  EXPECT_EQ(Count("SELECT count(*) FROM intake_raw WHERE status = 'duplicate'"), 1);
}

}  // namespace
}  // namespace petitiond
