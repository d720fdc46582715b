import { accountEdit } from './account/edit'
import { accountFieldDelete, accountFieldEdit, accountFieldList, accountFieldUpdate } from './account/fields'
import { accountArchive, accountDelete, accountResume, accountSuspend } from './account/group'
import { accountList } from './account/list'
import { accountSu } from './account/su'
import audit from './audit/list'
import auth, { keepalive, logout } from './auth/auth'
import { currencyDelete, currencyEdit, currencyList } from './currency/index'
import { expenseDelete, expenseDownload, expenseEdit, expenseList } from './expense/index'
import { help, helpParams } from './help/index'
import {
  invoiceCancel,
  invoiceDelete,
  invoiceDownload,
  invoiceEdit,
  invoiceGenerate,
  invoiceLines,
  invoiceList,
  invoiceSetPaid,
} from './invoice/index'
import { itemEdit, itemOrder } from './item/edit'
import { itemDelete, itemResume, itemSuspend } from './item/group'
import { itemList } from './item/list'
import { serviceProlong } from './item/prolong'
import { itemRenewal } from './item/renewal'
import { paymentDelete, paymentDownload, paymentEdit, paymentFraud, paymentList, paymentReturn, paymentReturned, paymentSetNoPay, paymentSetPaid } from './payment/index'
import { paymethodDelete, paymethodDisable, paymethodEdit, paymethodEnable, paymethodList } from './paymethod/index'
import { pricelistDelete, pricelistEdit, pricelistList } from './pricelist/index'
import { handlerDelete, handlerDisable, handlerEdit, handlerEnable, handlerList, logInfo, logList, logResend } from './provisioning/index'
import { resellerDelete, resellerEdit, resellerList, resellerResume, resellerSuspend } from './reseller/index'
import { sessionDelete, sessionList, sessionNewKey } from './session/index'
import userEdit from './user/edit'
import { userDelete, userResume, userSuspend } from './user/group'
import user from './user/list'
import { filterForms } from './list-filter'
import { Registry, type FunctionDef } from '../core/registry'
import { xdrDownload, xdrImport, xdrList, xdrRate } from './xdr/index'

/** Every function billgate offers, through every door. */
export function createRegistry(): Registry {
  const functions: FunctionDef[] = [
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
    paymentList,
    paymentEdit,
    paymentSetPaid,
    paymentSetNoPay,
    paymentReturn,
    paymentReturned,
    paymentFraud,
    paymentDelete,
    paymentDownload,
    resellerList,
    resellerEdit,
    resellerSuspend,
    resellerResume,
    resellerDelete,
    invoiceList,
    invoiceEdit,
    invoiceLines,
    invoiceGenerate,
    invoiceSetPaid,
    invoiceCancel,
    invoiceDelete,
    invoiceDownload,
    accountList,
    accountEdit,
    accountSuspend,
    accountResume,
    accountArchive,
    accountDelete,
    accountSu,
    accountFieldList,
    accountFieldEdit,
    accountFieldDelete,
    accountFieldUpdate,
    itemList,
    itemOrder,
    itemEdit,
    itemSuspend,
    itemResume,
    itemDelete,
    serviceProlong,
    itemRenewal,
    expenseList,
    expenseEdit,
    expenseDelete,
    expenseDownload,
    xdrList,
    xdrImport,
    xdrRate,
    xdrDownload,
    help,
    helpParams,
    handlerList,
    handlerEdit,
    handlerEnable,
    handlerDisable,
    handlerDelete,
    logList,
    logInfo,
    logResend,
  ]
  return new Registry([...functions, ...filterForms(functions)])
}
