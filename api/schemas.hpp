#pragma once

// JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of request and response bodies. The
// routes refer to the shared components; api/schemas.cpp defines them once.

#include <string>

namespace petitiond::api::schemas {

#define PETITIOND_REF(name) R"({"$ref":"#/components/schemas/)" name R"("})"
inline constexpr const char* kProblem = PETITIOND_REF("Problem");
inline constexpr const char* kStatus = PETITIOND_REF("Status");
inline constexpr const char* kLogin = PETITIOND_REF("Login");
inline constexpr const char* kSession = PETITIOND_REF("Session");
inline constexpr const char* kNewCase = PETITIOND_REF("NewCase");
inline constexpr const char* kCase = PETITIOND_REF("Case");
inline constexpr const char* kCreatedCase = PETITIOND_REF("CreatedCase");
inline constexpr const char* kCaseList = PETITIOND_REF("CaseList");
inline constexpr const char* kEventRequest = PETITIOND_REF("EventRequest");
inline constexpr const char* kEventList = PETITIOND_REF("EventList");
inline constexpr const char* kBulkAction = PETITIOND_REF("BulkAction");
inline constexpr const char* kBulkResult = PETITIOND_REF("BulkResult");
inline constexpr const char* kAttachmentList = PETITIOND_REF("AttachmentList");
inline constexpr const char* kReplyTemplateInput = PETITIOND_REF("ReplyTemplateInput");
inline constexpr const char* kReplyTemplate = PETITIOND_REF("ReplyTemplate");
inline constexpr const char* kReplyTemplateList = PETITIOND_REF("ReplyTemplateList");
inline constexpr const char* kFilledTemplateList = PETITIOND_REF("FilledTemplateList");
inline constexpr const char* kPresence = PETITIOND_REF("Presence");
inline constexpr const char* kMigrationRequest = PETITIOND_REF("MigrationRequest");
inline constexpr const char* kMigrationReport = PETITIOND_REF("MigrationReport");
inline constexpr const char* kPreferences = PETITIOND_REF("Preferences");
inline constexpr const char* kPreferencesChange = PETITIOND_REF("PreferencesChange");
inline constexpr const char* kClosure = PETITIOND_REF("Closure");
inline constexpr const char* kClosureResult = PETITIOND_REF("ClosureResult");
inline constexpr const char* kOutboxList = PETITIOND_REF("OutboxList");
inline constexpr const char* kHotlineDispatch = PETITIOND_REF("HotlineDispatch");
inline constexpr const char* kDispatchResult = PETITIOND_REF("DispatchResult");
inline constexpr const char* kIntakeList = PETITIOND_REF("IntakeList");
inline constexpr const char* kMailboxForm = PETITIOND_REF("MailboxForm");
inline constexpr const char* kPending = PETITIOND_REF("Pending");
inline constexpr const char* kConfirmed = PETITIOND_REF("Confirmed");
inline constexpr const char* kConfidentialityChange = PETITIOND_REF("ConfidentialityChange");
inline constexpr const char* kRevealRequest = PETITIOND_REF("RevealRequest");
inline constexpr const char* kRevealedIdentity = PETITIOND_REF("RevealedIdentity");
inline constexpr const char* kAccessLog = PETITIOND_REF("AccessLog");
inline constexpr const char* kUser = PETITIOND_REF("User");
inline constexpr const char* kUserList = PETITIOND_REF("UserList");
inline constexpr const char* kNewUser = PETITIOND_REF("NewUser");
inline constexpr const char* kUserWithPassword = PETITIOND_REF("UserWithPassword");
inline constexpr const char* kUserChange = PETITIOND_REF("UserChange");
inline constexpr const char* kPasswordReset = PETITIOND_REF("PasswordReset");
inline constexpr const char* kPasswordResult = PETITIOND_REF("PasswordResult");
inline constexpr const char* kAccountEvents = PETITIOND_REF("AccountEvents");
inline constexpr const char* kWhoAmI = PETITIOND_REF("WhoAmI");
inline constexpr const char* kRepeats = PETITIOND_REF("Repeats");
inline constexpr const char* kWorkflowList = PETITIOND_REF("WorkflowList");
inline constexpr const char* kOfficeList = PETITIOND_REF("OfficeList");
inline constexpr const char* kStaffList = PETITIOND_REF("StaffList");
inline constexpr const char* kPublicCase = PETITIOND_REF("PublicCase");
inline constexpr const char* kSurveyState = PETITIOND_REF("SurveyState");
inline constexpr const char* kSurveyAnswer = PETITIOND_REF("SurveyAnswer");
inline constexpr const char* kStatsReport = PETITIOND_REF("StatsReport");
inline constexpr const char* kNewOpen311Client = PETITIOND_REF("NewOpen311Client");
inline constexpr const char* kOpen311Client = PETITIOND_REF("Open311Client");
inline constexpr const char* kOpen311ClientWithKey = PETITIOND_REF("Open311ClientWithKey");
inline constexpr const char* kOpen311ClientList = PETITIOND_REF("Open311ClientList");
inline constexpr const char* kOpen311Errors = PETITIOND_REF("Open311Errors");
inline constexpr const char* kClosureList = PETITIOND_REF("ClosureList");
inline constexpr const char* kFeedList = PETITIOND_REF("FeedList");
inline constexpr const char* kOpenApi = R"({"type":"object","required":["openapi","info","paths"],"properties":{"openapi":{"type":"string"},"info":{"type":"object"},"paths":{"type":"object"}}})";
#undef PETITIOND_REF

// The components object: {"Problem": {...}, "Case": {...}, ...} as JSON text.
const std::string& Components();

}  // namespace petitiond::api::schemas
