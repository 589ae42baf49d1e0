/** Shared test data for the text layer. */

/** A long marketing message: 181 characters, three UCS2 parts; the signature only in part 1. */
export const MARKETING =
  "【云端商城】双十一狂欢节盛大开启！全场商品低至五折，满299元立减50元，满599元立减120元，会员专享额外九五折优惠。" +
  "爆款手机、平板电脑、智能手表、蓝牙耳机限量秒杀，每天上午十点准时开抢，先到先得，售完即止。" +
  "新用户注册即送100元新人礼包，下单还可参与抽奖，赢取最新款笔记本电脑。活动时间：11月1日至11月11日。" +
  "详情请登录云端商城APP查看。拒收请回复R";

export const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

export const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));
