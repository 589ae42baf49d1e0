/**
 * Byte-exact CMPP frames from a public implementation's tests: github.com/bigwhite/gocmpp
 * (Apache-2.0). Each constant names the file and test it comes from. Field values used to build
 * them (from the same files): Source_Addr "900001", shared secret "888888", Timestamp
 * 1021080510, Sequence_Id 0x17 unless noted.
 */
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));

/** connect_test.go › TestCmppConnReqPktPack (Version 0x21). */
export const connect21 = hex(`
  00000027 00000001 00000017 393030303031
  90d00c1d517abd0b4f65f6bcf8535d16 21 3cdc73be`);

/** connect_test.go › TestCmpp2ConnRspPktPack (Status 0, Version 0x21). */
export const connectResp2 = hex(`0000001e 80000001 00000017 00 6c0b846e25bab6daa4ed1c466e0f4bd8 21`);

/** connect_test.go › TestCmpp3ConnRspPktPack (Status 0, Version 0x30). */
export const connectResp3 = hex(`00000021 80000001 00000017 00000000 79429772740 98cf210ab0c16c367bc8d 30`);

/**
 * submit_test.go › TestCmpp2SubmitReqPktPack: Pk 1/1, Registered_Delivery 1, Msg_level 1,
 * Service_Id "test", Fee_UserType 2, Fee_terminal_Id "13500002696", Msg_Fmt 8, Msg_src "900001",
 * FeeType "02", FeeCode "10", ValId_Time "151105131555101+", Src_Id "900001", one destination
 * "13500002696", content "测试gocmpp submit" in UCS-2.
 */
export const submit2 = hex(`
  000000bd 00000004 00000017 0000000000000000 01 01 01 01 74657374000000000000 02
  3133353030303032363936 00000000000000000000 00 00 08 393030303031 3032 313000000000
  3135313130353133313535353130312b00 0000000000000000000000000000000000
  393030303031000000000000000000000000000000 01 3133353030303032363936 00000000000000000000
  1e 6d4b8bd50067006f0063006d00700070002000730075006200 6d00690074 0000000000000000`);

/** submit_test.go › TestCmpp3SubmitReqPktPack: the same fields in the 3.0 layout (types 0, LinkID empty). */
export const submit3 = hex(`
  000000e1 00000004 00000017 0000000000000000 01 01 01 01 74657374000000000000 02
  3133353030303032363936 000000000000000000000000000000000000000000 00 00 00 08 393030303031 3032 313000000000
  3135313130353133313535353130312b00 0000000000000000000000000000000000
  393030303031000000000000000000000000000000 01 3133353030303032363936 000000000000000000000000000000000000000000 00
  1e 6d4b8bd50067006f0063006d00700070002000730075006200 6d00690074 0000000000000000000000000000000000000000`);

/** submit_test.go › TestCmpp2SubmitRspPktPack (Msg_Id 12878564852733378560, Result 0). */
export const submitResp2 = hex(`00000015 80000004 00000017 b2b9da8000010000 00`);
/** submit_test.go › TestCmpp3SubmitRspPktPack. */
export const submitResp3 = hex(`00000018 80000004 00000017 b2b9da8000010000 00000000`);

/** deliver_test.go › TestCmpp2DeliverReqPktPack (Sequence_Id 5): an MO "This is a test MO." from 13412340000 to 900001. */
export const deliver2 = hex(`
  00000067 00000005 00000005 b525628000010000 393030303031000000000000000000000000000000
  00000000000000000000 00 00 00 3133343132333430303030 00000000000000000000 00 12
  546869732069732061207465737420 4d4f2e 0000000000000000`);
/** deliver_test.go › TestCmpp2DeliverRspPktPack. */
export const deliverResp2 = hex(`00000015 80000005 00000005 b525628000010000 00`);

/** deliver_test.go › TestCmpp3DeliverReqPktPack (Sequence_Id 1). */
export const deliver3 = hex(`
  0000007f 00000005 00000001 b4c5530000010000 393030303031000000000000000000000000000000
  00000000000000000000 00 00 00 3133343132333430303030 000000000000000000000000000000000000000000 00 00 12
  546869732069732061207465737420 4d4f2e 0000000000000000000000000000000000000000`);
/** deliver_test.go › TestCmpp3DeliverRspPktPack. */
export const deliverResp3 = hex(`00000018 80000005 00000001 b4c5530000010000 00000000`);

/**
 * receipt_test.go › TestCmppReceiptPktPack: a status report body (the 2.0 layout, 60 bytes):
 * Msg_Id 13025908756704198656, DELIVRD, 1511120955, 1511120957, 13412340000, SMSC_sequence 0x12345678.
 */
export const report2 = hex(`
  b4c5530000010000 44454c49565244 31353131313230393535 31353131313230393537
  3133343132333430303030 00000000000000000000 12345678`);

/** activetest_test.go › TestCmppActiveTestReqPktPack / TestCmppActiveTestRspPktPack. */
export const activeTest = hex(`0000000c 00000008 00000017`);
export const activeTestResp = hex(`0000000d 80000008 00000017 00`);
/** terminate_test.go › TestCmppTerminateReqPktPack / TestCmppTerminateRspPktPack. */
export const terminate = hex(`0000000c 00000002 00000017`);
export const terminateResp = hex(`0000000c 80000002 00000017`);
