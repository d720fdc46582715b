export { handlerDelete, handlerDisable, handlerEdit, handlerEnable, handlerList } from './handler'
export { logInfo, logList, logResend } from './log'
