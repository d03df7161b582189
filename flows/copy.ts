/**
 * Everything the bot says, in English and Simplified Chinese. Menus are returned as choices, not
 * text: each channel renders them its own way (numbered lines in SMS, buttons elsewhere).
 */
import type { Locale } from './locale.ts'
import type { ServiceType } from './service-types.ts'

export type TicketStatus = 'submitted' | 'responded' | 'on_site' | 'diagnosed' | 'repairing' | 'testing' | 'shipped' | 'resolved' | 'completed' | 'closed' | 'reopened' | 'cancelled'

export type DeadlineKind = 'response' | 'installation' | 'diagnosis' | 'feedback'

/** The questions of the intake, in the order they are asked. */
export type Field = 'serviceType' | 'productModel' | 'serialNumber' | 'deliveryDate' | 'description' | 'photos' | 'siteAddress' | 'contactName'

export type Hint = Field | 'deliveryDateRange' | 'confirm'

export interface Copy {
  serviceTypes: Record<ServiceType, string>
  statuses: Record<TicketStatus, string>
  deadlines: Record<DeadlineKind, string>
  fieldLabels: Record<Field, string>
  descriptionLabel: Record<ServiceType, string>
  welcome: string
  ask: Record<Exclude<Field, 'description'>, string>
  askDescription: Record<ServiceType, string>
  askSiteAddressFor: (type: ServiceType) => string
  none: string
  summaryTitle: string
  summaryPrompt: (fields: number) => string
  submitChoice: string
  cancelChoice: string
  editChoice: (label: string) => string
  hints: Record<Hint, string>
  stuck: string
  help: Record<Field | 'confirm' | 'idle', string>
  globalWords: string
  submitted: (number: string, responseBy: string) => string
  installationBy: (day: string) => string
  warranty: (earlier: string) => string
  statusAnytime: string
  /** Buttons after a submission (web chat, Slack): another request, or the customer's requests. */
  afterSubmission: { newRequest: string; myRequests: string }
  cancelled: string
  nothingToCancel: string
  restarting: string
  noTickets: string
  ticketsTitle: string
  ticketLine: (number: string, type: string, status: string, next: string | undefined) => string
  nextDeadline: (kind: string, by: string) => string
  handoff: string
  handoffLive: string
  handoffDelayed: string
  backWithBot: string
  stillWithHuman: string
  languageSwitched: string
  /** §3.2a: a model not in the catalogue, with the closest ones offered as a numbered list. */
  didYouMean: (typed: string) => string
  /** §3.2a: a technical-support request gets the model's manual at once. */
  manualFor: (model: string, url: string) => string
  /** Files a customer sent: kept (with the request), or refused and why. */
  photosReceived: (count: number) => string
  mediaRefused: (limits: { maxSize: string; maxPerMessage: number }) => string
  optedOut: string
  optedIn: string
  stillOptedOut: string
  turnFailed: string
  askPhone: string
  badPhone: string
  codeSent: (phone: string) => string
  badCode: string
  phoneLinked: (phone: string) => string
  wrongCode: (attemptsLeft: number) => string
  codeExpired: string
  linkUnavailable: string
  /** Over the message limit: said once, the messages are kept but not answered. */
  tooFast: string
  /** Too many hand-offs lately: the bot carries on. */
  handoffLimited: string
  /** A code was asked for too soon after the last one. */
  codeTooSoon: (seconds: number) => string
  /** Too many codes today, to this number or in this conversation. */
  codeLimit: string
  /** Codes are not sent to this country. */
  codeCountry: string
  /** The service's hourly budget of code SMS is spent. */
  codesPaused: string
  linkCancelled: string
  surveyQuestion: (number: string) => string
  surveyReminder: (number: string) => string
  /** §3.3a: nobody confirmed or rejected the fix in time; the service is recorded as done. */
  closedUnconfirmed: (number: string) => string
  ratingLabels: [string, string, string, string, string]
  ratingHint: string
  askComment: string
  skipChoice: string
  thanksForFeedback: string
  complaintReceived: (number: string) => string
  complaintOutcome: (number: string, outcome: string) => string
  fixConfirmed: (number: string) => string
  fixRejected: (number: string) => string
  ticketChanged: (number: string) => string
}

const en: Copy = {
  serviceTypes: {
    repair: 'Repair',
    installation: 'Installation',
    maintenance: 'Maintenance',
    spare_parts: 'Spare parts',
    technical_support: 'Technical support',
    training: 'Training',
  },
  statuses: {
    submitted: 'received',
    responded: 'technician assigned',
    on_site: 'technician on site',
    diagnosed: 'diagnosed',
    repairing: 'being repaired',
    testing: 'being tested',
    shipped: 'shipped',
    resolved: 'fixed, awaiting your confirmation',
    completed: 'completed',
    closed: 'closed',
    reopened: 'reopened',
    cancelled: 'cancelled',
  },
  deadlines: { response: 'response', installation: 'installation', diagnosis: 'diagnosis', feedback: 'feedback' },
  fieldLabels: {
    serviceType: 'Service',
    productModel: 'Product',
    serialNumber: 'Serial number',
    deliveryDate: 'Delivered on',
    description: 'Details',
    photos: 'Photos',
    siteAddress: 'Address',
    contactName: 'Contact',
  },
  descriptionLabel: {
    repair: 'Problem',
    installation: 'Details',
    maintenance: 'Maintenance needed',
    spare_parts: 'Parts needed',
    technical_support: 'Question',
    training: 'Training needed',
  },
  welcome: 'Hello! This is the after-sales service desk. What can we help you with?',
  ask: {
    serviceType: 'What can we help you with?',
    productModel: 'Which product is it? Please send the model as printed on its label (for example X200).',
    serialNumber: 'What is its serial number (on the label, after S/N)? Reply SKIP if you do not have it.',
    photos: 'Can you send a photo of the fault, the display or the nameplate? It helps the technician bring the right parts. Reply SKIP to go on without one.',
    deliveryDate: 'When was the product delivered? For example: today, yesterday, 20/11 or 2026-11-20.',
    siteAddress: 'Where should our technician come? Please send the full address.',
    contactName: 'Who should we ask for? Please send a contact name.',
  },
  askDescription: {
    repair: 'Please describe the problem: what happens, and since when?',
    installation: 'Anything we should know about the installation?',
    maintenance: 'What maintenance do you need?',
    spare_parts: 'Which part do you need (name or part number), and how many?',
    technical_support: 'What is your question?',
    training: 'What training do you need, and for how many people?',
  },
  askSiteAddressFor: (type) =>
    type === 'installation'
      ? 'Where should we install it? Please send the full address.'
      : type === 'training'
        ? 'Where should the training take place? Please send the full address.'
        : 'Where should our technician come? Please send the full address.',
  none: '(none)',
  summaryTitle: 'Please check your request:',
  summaryPrompt: (fields) => `Reply YES to submit, a number from 1 to ${fields} to change that answer, or CANCEL to stop.`,
  submitChoice: 'Submit',
  cancelChoice: 'Cancel',
  editChoice: (label) => `Change ${label.toLowerCase()}`,
  hints: {
    serviceType: 'Please choose a service below (its number or its name, such as "repair").',
    productModel: 'Please send the model name or number (2 to 60 characters).',
    serialNumber: 'That does not look like a serial number (letters and digits, 3 to 40 characters). Reply SKIP if you do not have it.',
    deliveryDate: 'I could not read that date. Try: today, yesterday, 20/11 or 2026-11-20.',
    deliveryDateRange: 'The delivery date should be within the past year and no more than 90 days ahead.',
    description: 'Please tell us a little more (at least a few words).',
    photos: 'Please send a photo (JPEG, PNG, HEIC, WebP or a PDF), or reply SKIP to go on without one.',
    siteAddress: 'Please send the full address: street, number and city.',
    contactName: 'Please send a name we can ask for.',
    confirm: 'Please choose Submit (YES), an answer to change (its number), or Cancel.',
  },
  stuck: 'If you would rather talk to a person, reply AGENT.',
  help: {
    idle: 'Send any message to start a service request.',
    serviceType: 'Choose the kind of service you need.',
    productModel: 'We need the product model to send the right technician and parts.',
    serialNumber: "The serial number tells us the unit's history and warranty. It is optional: reply SKIP.",
    deliveryDate: 'We install within 3 working days of delivery, so we need the day it arrived.',
    description: 'A few words help the technician prepare.',
    photos: "A photo is optional: send one from your phone's camera or gallery, or reply SKIP.",
    siteAddress: 'The address where the work is to be done.',
    contactName: 'The person our technician should ask for.',
    confirm: 'Check the answers, then reply YES to submit.',
  },
  globalWords: 'You can also reply STATUS (your requests), AGENT (talk to a person), RESTART (start over), CANCEL (stop) or 中文.',
  submitted: (number, by) => `Thank you! Your request number is ${number}. We will respond by ${by}.`,
  installationBy: (day) => `Installation is due by the end of ${day}.`,
  warranty: (earlier) => `This unit was repaired under ${earlier} less than 6 months ago, so this repair is covered by the repair warranty.`,
  statusAnytime: 'Reply STATUS at any time to see how it is going.',
  afterSubmission: { newRequest: 'New request', myRequests: 'My requests' },
  cancelled: 'OK, I have cancelled this request. Send a message whenever you want to start again.',
  nothingToCancel: 'There is no request in progress. Send any message to start one.',
  restarting: "OK, let's start over.",
  noTickets: 'You have no open requests.',
  ticketsTitle: 'Your requests:',
  ticketLine: (number, type, status, next) => `${number} - ${type} - ${status}${next ? ` - ${next}` : ''}`,
  nextDeadline: (kind, by) => `${kind} due ${by}`,
  handoff: 'I have asked a member of our team to contact you. Meanwhile you can carry on here.',
  handoffLive: 'I am passing you to a member of our team; they will answer here. Anything you write now goes to them.',
  handoffDelayed: 'Sorry for the wait: our team is busy. Stay here or come back later: someone will answer you in this chat, within 24 hours at the latest.',
  backWithBot: 'You are back with our assistant.',
  stillWithHuman: 'You are talking with a member of our team; they will answer here.',
  languageSwitched: "OK, let's continue in English.",
  didYouMean: (typed) => `We do not have the model "${typed}" on our list. Did you mean one of these? Reply with its number, or send your model again to keep it as you wrote it.`,
  manualFor: (model, url) => `The manual for ${model} may already answer your question: ${url}`,
  photosReceived: (count) => (count === 1 ? 'Photo received, thank you.' : `${count} photos received, thank you.`),
  mediaRefused: ({ maxSize, maxPerMessage }) => `We could not take a file you sent: we take photos (JPEG, PNG, HEIC, WebP) and PDFs of up to ${maxSize}, ${maxPerMessage} per message.`,
  optedOut: 'You have been unsubscribed and will get no more text messages from us. Reply START to subscribe again.',
  optedIn: 'You are subscribed again and will get updates about your requests.',
  stillOptedOut: 'You are unsubscribed from our text messages. Reply START to subscribe again.',
  turnFailed: "Sorry, something went wrong on our side. Let's start again.",
  askPhone: 'Which mobile number do you use with us? We will text it a code, so that your requests by SMS and here are one list.',
  badPhone: 'Please send a mobile number, such as +8613800138000 or 13800138000.',
  codeSent: (phone) => `We have texted a 6-digit code to ${phone}. Please send it here (it is valid for 10 minutes), or CANCEL.`,
  tooFast: 'You are sending messages faster than we can read them. We have kept them; please wait a minute before sending more.',
  handoffLimited: 'You have asked for a person several times in the last hour. Our team has your earlier requests and will answer them; meanwhile I can go on helping you here.',
  codeTooSoon: (seconds) => `We have just sent a code. Please wait ${seconds} seconds before asking for another one.`,
  codeLimit: 'We have sent as many codes as we can today. Please try again tomorrow.',
  codeCountry: 'Sorry, we cannot send codes to numbers in that country.',
  codesPaused: 'Sorry, we cannot send codes right now. Please try again later.',
  badCode: 'Please send the 6 digits of the code we texted you, or CANCEL.',
  phoneLinked: (phone) => `Done: ${phone} is linked. STATUS here now lists all your requests.`,
  wrongCode: (left) => `That code is not right. You can try ${left} more time${left === 1 ? '' : 's'}.`,
  codeExpired: 'That code has expired or was used up. Reply LINK to get a new one.',
  linkUnavailable: 'Linking a phone number is not available here.',
  linkCancelled: 'OK, nothing was linked.',
  surveyQuestion: (number) => `How satisfied are you with our service for ${number}, from 1 (very unsatisfied) to 5 (very satisfied)?`,
  surveyReminder: (number) => `A reminder: how satisfied are you with our service for ${number}, from 1 (very unsatisfied) to 5 (very satisfied)?`,
  closedUnconfirmed: (number) => `We have not heard from you about ${number}, so we have recorded the service as done. If the problem is still there, just write to us and we will come back to it.`,
  ratingLabels: ['1 – Very unsatisfied', '2 – Unsatisfied', '3 – Neutral', '4 – Satisfied', '5 – Very satisfied'],
  ratingHint: 'Please answer with a number from 1 (very unsatisfied) to 5 (very satisfied). To start a new request instead, reply NEW.',
  askComment: 'Thank you! Anything else you would like to tell us? Reply SKIP to finish.',
  skipChoice: 'Skip',
  thanksForFeedback: 'Thank you for your feedback.',
  complaintReceived: (number) => `We are sorry. Your complaint is registered as ${number}; a member of our team will look into it and get back to you.`,
  complaintOutcome: (number, outcome) => `About your complaint ${number}: ${outcome}`,
  fixConfirmed: (number) => `Thank you for confirming. ${number} is complete.`,
  fixRejected: (number) => `We are sorry it is not fixed. We have reopened ${number} and our team will contact you.`,
  ticketChanged: (number) => `${number} has changed in the meantime. Reply STATUS to see where it stands.`,
}

const zhCN: Copy = {
  serviceTypes: {
    repair: '维修',
    installation: '安装',
    maintenance: '保养',
    spare_parts: '配件',
    technical_support: '技术支持',
    training: '培训',
  },
  statuses: {
    submitted: '已受理',
    responded: '已安排技术员',
    on_site: '技术员已到场',
    diagnosed: '已诊断',
    repairing: '维修中',
    testing: '测试中',
    shipped: '已发货',
    resolved: '已修复，待您确认',
    completed: '已完成',
    closed: '已关闭',
    reopened: '已重新处理',
    cancelled: '已取消',
  },
  deadlines: { response: '响应', installation: '安装', diagnosis: '诊断', feedback: '回访' },
  fieldLabels: {
    serviceType: '服务',
    productModel: '产品型号',
    serialNumber: '序列号',
    deliveryDate: '到货日期',
    description: '说明',
    photos: '照片',
    siteAddress: '地址',
    contactName: '联系人',
  },
  descriptionLabel: {
    repair: '故障描述',
    installation: '说明',
    maintenance: '保养需求',
    spare_parts: '所需配件',
    technical_support: '问题',
    training: '培训需求',
  },
  welcome: '您好！这里是售后服务台。请问需要什么服务？',
  ask: {
    serviceType: '请问需要什么服务？',
    productModel: '是哪款产品？请发送铭牌上的型号（例如 X200）。',
    serialNumber: '产品序列号是多少（铭牌上 S/N 后面）？没有请回复“跳过”。',
    photos: '能否发一张故障、显示屏或铭牌的照片？这样技术员能带对配件。不发照片请回复“跳过”。',
    deliveryDate: '产品哪天到货？例如：今天、昨天、11月20日 或 2026-11-20。',
    siteAddress: '技术员应到哪里服务？请发送详细地址。',
    contactName: '到场时找哪位？请发送联系人姓名。',
  },
  askDescription: {
    repair: '请描述故障：出现什么情况，从什么时候开始？',
    installation: '关于安装，还有什么需要我们注意的吗？',
    maintenance: '需要做哪些保养？',
    spare_parts: '需要哪个配件（名称或零件号），数量多少？',
    technical_support: '请问您的问题是什么？',
    training: '需要什么培训，参加人数多少？',
  },
  askSiteAddressFor: (type) => (type === 'installation' ? '在哪里安装？请发送详细地址。' : type === 'training' ? '培训在哪里进行？请发送详细地址。' : '技术员应到哪里服务？请发送详细地址。'),
  none: '（无）',
  summaryTitle: '请核对您的申请：',
  summaryPrompt: (fields) => `回复“确认”提交，回复 1 到 ${fields} 的数字修改对应内容，回复“取消”放弃。`,
  submitChoice: '提交',
  cancelChoice: '取消',
  editChoice: (label) => `修改${label}`,
  hints: {
    serviceType: '请从下方选择服务（数字或名称，例如“维修”）。',
    productModel: '请发送产品型号（2 到 60 个字符）。',
    serialNumber: '这不像序列号（字母和数字，3 到 40 个字符）。没有请回复“跳过”。',
    deliveryDate: '没看懂这个日期。请试试：今天、昨天、11月20日 或 2026-11-20。',
    deliveryDateRange: '到货日期应在过去一年内，且不晚于 90 天后。',
    description: '请再多说几句。',
    photos: '请发送照片（JPEG、PNG、HEIC、WebP 或 PDF），不发请回复“跳过”。',
    siteAddress: '请发送详细地址：街道、门牌号和城市。',
    contactName: '请发送联系人姓名。',
    confirm: '请选择“提交”（确认）、要修改的内容（其数字），或“取消”。',
  },
  stuck: '如需人工服务，请回复“人工”。',
  help: {
    idle: '发送任意消息即可开始新的服务申请。',
    serviceType: '请选择所需的服务类型。',
    productModel: '我们需要产品型号来安排合适的技术员和配件。',
    serialNumber: '序列号可以帮助我们查询机器的维修记录和保修。可以回复“跳过”。',
    deliveryDate: '我们在到货后 3 个工作日内完成安装，所以需要知道到货日期。',
    description: '简单描述一下，方便技术员准备。',
    photos: '照片可选：用手机拍照或从相册选择发送，或回复“跳过”。',
    siteAddress: '需要上门服务的地址。',
    contactName: '技术员到场时联系的人。',
    confirm: '请核对内容，然后回复“确认”提交。',
  },
  globalWords: '您也可以回复：状态（查看申请）、人工（人工服务）、重新开始、取消，或 English。',
  submitted: (number, by) => `谢谢！您的服务单号是 ${number}。我们将在 ${by} 前响应。`,
  installationBy: (day) => `安装将在 ${day} 当天结束前完成。`,
  warranty: (earlier) => `该机器在 6 个月内曾经维修（${earlier}），本次维修享受维修保修。`,
  statusAnytime: '随时回复“状态”查看进度。',
  afterSubmission: { newRequest: '新申请', myRequests: '查询进度' },
  cancelled: '好的，已取消本次申请。需要时随时发消息重新开始。',
  nothingToCancel: '当前没有进行中的申请。发送任意消息即可开始。',
  restarting: '好的，我们重新开始。',
  noTickets: '您目前没有未完成的申请。',
  ticketsTitle: '您的申请：',
  ticketLine: (number, type, status, next) => `${number} · ${type} · ${status}${next ? ` · ${next}` : ''}`,
  nextDeadline: (kind, by) => `${kind}期限 ${by}`,
  handoff: '已通知我们的工作人员与您联系。在此期间您可以继续在这里办理。',
  handoffLive: '正在为您转接人工服务，工作人员会在这里回复您。您现在发送的消息都会转给工作人员。',
  handoffDelayed: '抱歉让您久等，我们的工作人员正忙。您可以留在这里或稍后再来，工作人员最迟会在 24 小时内在此回复您。',
  backWithBot: '您已回到智能助手。',
  stillWithHuman: '您正在与我们的工作人员对话，他们会在这里回复您。',
  languageSwitched: '好的，我们用中文继续。',
  didYouMean: (typed) => `我们的产品列表中没有型号“${typed}”。您是指以下型号之一吗？请回复编号；如确认型号无误，请再发送一次。`,
  manualFor: (model, url) => `${model} 的使用手册或许已能解答您的问题：${url}`,
  photosReceived: (count) => (count === 1 ? '照片已收到，谢谢。' : `已收到 ${count} 张照片，谢谢。`),
  mediaRefused: ({ maxSize, maxPerMessage }) => `您发送的文件有未能接收的：我们接收照片（JPEG、PNG、HEIC、WebP）和 PDF，每个不超过 ${maxSize}，每条消息最多 ${maxPerMessage} 个。`,
  optedOut: '您已退订，我们将不再给您发送短信。回复 START 可重新订阅。',
  optedIn: '您已重新订阅，我们会继续发送申请进度。',
  stillOptedOut: '您已退订我们的短信。回复 START 可重新订阅。',
  turnFailed: '抱歉，我们这边出了点问题。我们重新开始吧。',
  askPhone: '请问您在我们这里使用的手机号是多少？我们会发送验证码，把您通过短信和这里提交的申请合并在一起。',
  badPhone: '请发送手机号，例如 13800138000 或 +8613800138000。',
  codeSent: (phone) => `我们已向 ${phone} 发送 6 位验证码，请在这里回复（10 分钟内有效），或回复“取消”。`,
  tooFast: '您发送消息太快了，我们已收到并保存，请稍等一分钟再继续发送。',
  handoffLimited: '您在过去一小时内已多次要求人工服务，工作人员会处理您之前的请求。在此期间我可以继续为您办理。',
  codeTooSoon: (seconds) => `验证码刚刚已发送，请等待 ${seconds} 秒后再重新获取。`,
  codeLimit: '今天发送的验证码已达上限，请明天再试。',
  codeCountry: '抱歉，我们无法向该国家或地区的号码发送验证码。',
  codesPaused: '抱歉，目前无法发送验证码，请稍后再试。',
  badCode: '请回复我们短信发送的 6 位验证码，或回复“取消”。',
  phoneLinked: (phone) => `已绑定 ${phone}。现在回复“状态”可查看您的全部申请。`,
  wrongCode: (left) => `验证码不正确，您还可以再试 ${left} 次。`,
  codeExpired: '验证码已过期或次数已用完，回复“绑定”重新获取。',
  linkUnavailable: '这里暂不支持绑定手机号。',
  linkCancelled: '好的，未绑定任何号码。',
  surveyQuestion: (number) => `您对服务单 ${number} 的服务满意吗？请打分：1（非常不满意）到 5（非常满意）。`,
  surveyReminder: (number) => `温馨提醒：您对服务单 ${number} 的服务满意吗？请打分：1（非常不满意）到 5（非常满意）。`,
  closedUnconfirmed: (number) => `我们一直没有收到您对服务单 ${number} 的确认，已将该服务记录为完成。如果问题仍然存在，请直接给我们发消息，我们会继续处理。`,
  ratingLabels: ['1 非常不满意', '2 不满意', '3 一般', '4 满意', '5 非常满意'],
  ratingHint: '请回复 1（非常不满意）到 5（非常满意）的数字。如需提交新的申请，请回复“新申请”。',
  askComment: '谢谢！还有什么想告诉我们的吗？回复“跳过”结束。',
  skipChoice: '跳过',
  thanksForFeedback: '感谢您的反馈。',
  complaintReceived: (number) => `非常抱歉。您的投诉已登记（${number}），我们的工作人员会尽快处理并回复您。`,
  complaintOutcome: (number, outcome) => `关于您的投诉 ${number}：${outcome}`,
  fixConfirmed: (number) => `感谢确认，服务单 ${number} 已完成。`,
  fixRejected: (number) => `很抱歉问题仍未解决。我们已重新处理服务单 ${number}，工作人员会与您联系。`,
  ticketChanged: (number) => `服务单 ${number} 的状态已有变化，回复“状态”查看。`,
}

const COPY: Record<Locale, Copy> = { en, 'zh-CN': zhCN }

export const copyFor = (locale: Locale): Copy => COPY[locale]
