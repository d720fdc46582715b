import audit from './audit/list'
import auth, { keepalive, logout } from './auth/auth'
import { currencyDelete, currencyEdit, currencyList } from './currency/index'
import { help, helpParams } from './help/index'
import { paymethodDelete, paymethodDisable, paymethodEdit, paymethodEnable, paymethodList } from './paymethod/index'
import { pricelistDelete, pricelistEdit, pricelistList } from './pricelist/index'
import { resellerDelete, resellerEdit, resellerList, resellerResume, resellerSuspend } from './reseller/index'
import { sessionDelete, sessionList, sessionNewKey } from './session/index'
import userEdit from './user/edit'
import { userDelete, userResume, userSuspend } from './user/group'
import user from './user/list'
import { xdrImport, xdrList, xdrRate } from './xdr/index'
import { Registry } from './registry'

/** Every function billgate offers, through every door. */
export function createRegistry(): Registry {
  return new Registry([
    auth,
    keepalive,
    logout,
    sessionList,
    sessionDelete,
    sessionNewKey,
    user,
    userEdit,
    userDelete,
    userSuspend,
    userResume,
    audit,
    currencyList,
    currencyEdit,
    currencyDelete,
    paymethodList,
    paymethodEdit,
    paymethodEnable,
    paymethodDisable,
    paymethodDelete,
    pricelistList,
    pricelistEdit,
    pricelistDelete,
    resellerList,
    resellerEdit,
    resellerSuspend,
    resellerResume,
    resellerDelete,
    xdrList,
    xdrImport,
    xdrRate,
    help,
    helpParams,
  ])
}
