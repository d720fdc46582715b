export { paymentDownload } from './download'
export { paymentList } from './list'
export { paymentEdit } from './edit'
export { paymentDelete, paymentFraud, paymentReturn, paymentReturned, paymentSetNoPay, paymentSetPaid } from './group'
